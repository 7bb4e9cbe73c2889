// Guarantee: an allocation from a `SyncLake` (or from a `LocalLake` over it, which outlives
// the handle) cannot be used after the shared lake is reset.
fn main() {
    let mut lake = lake::SyncLake::new();
    let a = lake.alloc(1u32);
    let b = lake.local().alloc(2u32);
    lake.reset();
    println!("{a} {b}");
}
