// The lake itself cannot be used while a sandbox (or scope guard) is alive.
use lake::Lake;

fn main() {
    let mut lake = Lake::new();
    let mut sandbox = lake.sandbox();
    lake.alloc(1u8);
    sandbox.scope().alloc(2u8);
}
