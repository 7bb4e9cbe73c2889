// A `LakeBox` dropped (or consumed) before `reset` lets the reset go ahead, and its value's
// destructor runs exactly once.
use std::rc::Rc;

use lake::{Lake, LakeBox};

fn main() {
    let mut lake = Lake::new();
    let shared = Rc::new(());
    let b = lake.alloc_box(Rc::clone(&shared));
    assert_eq!(Rc::strong_count(&shared), 2);
    drop(b);
    assert_eq!(Rc::strong_count(&shared), 1);
    lake.reset();

    let b = lake.alloc_box(String::from("moved out"));
    let s: String = LakeBox::into_inner(b);
    lake.reset();
    assert_eq!(s, "moved out");
}
