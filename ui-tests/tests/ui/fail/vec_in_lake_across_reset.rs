// Guarantee: a collection that allocates from the lake through `&Lake: Allocator` holds a
// shared borrow of the lake, so the lake cannot be reset while the collection lives (E0502).
use lake::allocator_api2::vec::Vec;
use lake::Lake;

fn main() {
    let mut lake = Lake::new();
    let mut v: Vec<u32, &Lake> = Vec::new_in(&lake);
    v.push(1);
    lake.reset();
    v.push(2);
}
