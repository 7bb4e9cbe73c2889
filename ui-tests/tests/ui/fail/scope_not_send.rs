// A scope cannot move to another thread: its drop list may hold `!Send` values that must be
// dropped on the thread that made them.
use lake::Lake;

fn main() {
    let mut lake = Lake::new();
    lake.scope(|s| {
        std::thread::scope(|t| {
            t.spawn(|| s.alloc(1u8));
        });
    });
}
