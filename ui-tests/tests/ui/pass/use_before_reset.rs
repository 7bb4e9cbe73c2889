// Allocations can be used freely until `reset`, and the lake is reusable after it.
use lake::Lake;

fn main() {
    let mut lake = Lake::new();
    for round in 0..3u32 {
        let a = lake.alloc(round);
        let s = lake.alloc_fmt(format_args!("round {round}"));
        let xs = lake.alloc_iter((0..round).map(|i| i * 2));
        *a += 1;
        assert_eq!(*a, round + 1);
        assert_eq!(s, &format!("round {round}"));
        assert_eq!(xs.len(), round as usize);
        lake.reset();
    }
    assert_eq!(lake.stats().used, 0);
}
