// `LakeBox<'_, T>` is `Send` when `T` is: a box of a `String` can be handed to a scoped
// thread and dropped there.
use lake::Lake;

fn main() {
    let lake = Lake::new();
    let b = lake.alloc_box(String::from("to another thread"));
    std::thread::scope(|s| {
        s.spawn(move || assert_eq!(b.len(), 17));
    });
}
