// Guarantee: an allocation in a lake taken from a `LakeCache` cannot outlive the guard, which
// resets the lake and returns it to the cache when dropped.
fn main() {
    let cache = lake::LakeCache::new(1);
    let kept = {
        let lake = cache.take();
        lake.alloc(5u32)
    };
    println!("{kept}");
}
