// Guarantee: an allocation cannot be used after `Lake::reset`. `alloc` borrows the lake
// shared for as long as the returned reference lives, and `reset` needs `&mut Lake`, so the
// compiler rejects the reset while `p` is still used afterwards (E0502).
use lake::Lake;

fn main() {
    let mut lake = Lake::new();
    let p = lake.alloc(41u32);
    lake.reset();
    *p += 1;
}
