// The parent cannot be reset while a view of it lives: the view's region would be handed out
// again.
use lake::Lake;

fn main() {
    let mut lake = Lake::new();
    let view = lake.split(64);
    lake.reset();
    view.alloc(1u8);
}
