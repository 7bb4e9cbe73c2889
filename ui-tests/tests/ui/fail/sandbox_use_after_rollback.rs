// A sandbox allocation cannot be used after the sandbox is rolled back (dropped uncommitted):
// allocations borrow the sandbox.
use lake::Lake;

fn main() {
    let mut lake = Lake::new();
    let mut sandbox = lake.sandbox();
    let value = sandbox.scope().alloc(5u32);
    drop(sandbox); // rollback
    println!("{value}");
}
