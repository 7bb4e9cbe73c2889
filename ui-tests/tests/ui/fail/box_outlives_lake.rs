// Guarantee: a `LakeBox` cannot outlive its lake: the box borrows the lake, and the lake is
// dropped at the end of the inner block while the box is still used after it (E0597).
use lake::{Lake, LakeBox};

fn main() {
    let outer: LakeBox<'_, Vec<u8>>;
    {
        let lake = Lake::new();
        outer = lake.alloc_box(vec![1, 2, 3]);
    }
    println!("{}", outer.len());
}
