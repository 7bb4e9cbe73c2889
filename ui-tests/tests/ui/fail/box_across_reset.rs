// Guarantee: a live `LakeBox` keeps the lake from being reset (its value still needs the
// memory, and its destructor has not run yet): `reset` takes `&mut Lake` while the box holds a
// shared borrow (E0502).
use lake::Lake;

fn main() {
    let mut lake = Lake::new();
    let b = lake.alloc_box(String::from("still here"));
    lake.reset();
    drop(b);
}
