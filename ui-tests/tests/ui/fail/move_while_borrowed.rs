// Guarantee: a lake cannot be moved while an allocation from it is alive. Allocations borrow
// the lake, and moving it (here into another binding, just as into a thread or a struct)
// would leave `x` pointing at memory the moved-to owner may reset or free (E0505).
use lake::Lake;

fn main() {
    let lake = Lake::new();
    let x = lake.alloc(1u32);
    let moved = lake;
    *x += 1;
    drop(moved);
}
