// Guarantee: two threads cannot allocate from one lake at once. Spawning scoped threads that
// both capture `&Lake` needs `&Lake: Send`, i.e. `Lake: Sync`, which it is not (E0277).
use lake::Lake;

fn main() {
    let lake = Lake::new();
    std::thread::scope(|s| {
        s.spawn(|| *lake.alloc(1u32));
        s.spawn(|| *lake.alloc(2u32));
    });
}
