// `Lake` is `Send`: a lake with no live borrows can be moved to another thread, used there,
// and moved back.
use lake::Lake;

fn main() {
    let lake = Lake::new();
    lake.alloc(1u64);
    let mut lake = std::thread::spawn(move || {
        let total: u64 = lake.alloc_iter(1..=10u64).iter().sum();
        assert_eq!(total, 55);
        lake
    })
    .join()
    .unwrap();
    lake.reset();
    assert_eq!(lake.stats().used, 0);
}
