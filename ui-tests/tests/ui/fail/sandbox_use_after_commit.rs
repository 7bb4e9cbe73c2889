// Nor after a commit: typed allocations never outlive their sandbox (droplets do).
use lake::Lake;

fn main() {
    let mut lake = Lake::new();
    let mut sandbox = lake.sandbox();
    let value = sandbox.scope().alloc(5u32);
    sandbox.commit();
    println!("{value}");
}
