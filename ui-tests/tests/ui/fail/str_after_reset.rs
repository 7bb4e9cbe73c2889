// Guarantee: strings and slices from the lake are freed by `reset` too, so they cannot be read
// after it: `alloc_str` ties the `&mut str` to a shared borrow of the lake, which conflicts
// with the `&mut Lake` that `reset` takes (E0502).
use lake::Lake;

fn main() {
    let mut lake = Lake::new();
    let name = lake.alloc_str("request-1");
    let parts = lake.alloc_iter(0..4u8);
    lake.reset();
    println!("{name} {parts:?}");
}
