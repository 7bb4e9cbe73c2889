// Guarantee: a `LocalLake` (and its allocations) cannot outlive the `SyncLake` it takes
// slabs from.
fn main() {
    let kept;
    {
        let shared = lake::SyncLake::new();
        kept = shared.local().alloc(7u8);
    }
    println!("{kept}");
}
