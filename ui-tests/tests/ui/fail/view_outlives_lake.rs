// A view borrows its parent lake: it cannot outlive it.
use lake::{Lake, LakeView};

fn make_view() -> LakeView<'static> {
    let lake = Lake::new();
    lake.split(64)
}

fn main() {
    make_view();
}
