// Guarantee: `LakeBox<'_, T>` is `Send` only when `T` is. A box holding an `Rc` would let two
// threads touch the non-atomic reference count, so sending it to another thread is rejected
// (E0277: `Rc<u32>` cannot be sent between threads safely).
use std::rc::Rc;

use lake::Lake;

fn main() {
    let lake = Lake::new();
    let shared = Rc::new(5u32);
    let boxed = lake.alloc_box(Rc::clone(&shared));
    std::thread::scope(|s| {
        s.spawn(move || drop(boxed));
    });
    drop(shared);
}
