// A view, like a lake, is not `Sync`: two threads must not bump one cursor.
use lake::Lake;

fn main() {
    let lake = Lake::new();
    let view = lake.split(64);
    std::thread::scope(|t| {
        t.spawn(|| view.alloc(1u8));
    });
}
