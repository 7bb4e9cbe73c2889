// Guarantee: an allocation cannot escape the lake that owns its memory. Here the lake is a
// local of the function and is dropped at its end, so returning a reference into it is
// rejected (E0515: returns a value referencing data owned by the current function).
use lake::Lake;

fn make() -> &'static mut u64 {
    let lake = Lake::new();
    lake.alloc(7)
}

fn main() {
    *make() += 1;
}
