// Guarantee: `Lake` is not `Sync`. Allocation mutates the bump cursor through `&self` with no
// synchronisation, so `&Lake` must not be shared between threads (E0277: `Cell<usize>` cannot
// be shared between threads safely).
use lake::Lake;

fn need_sync<T: Sync>() {}

fn main() {
    need_sync::<Lake>();
}
