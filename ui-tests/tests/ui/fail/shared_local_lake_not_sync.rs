// Guarantee: a `LocalLake` is a per-thread handle. Its cursor is a plain `Cell`, so two threads
// must not share one (E0277: `Cell<usize>` cannot be shared between threads safely).
use std::thread;

fn main() {
    let shared = lake::SyncLake::new();
    let local = shared.local();
    thread::scope(|s| {
        s.spawn(|| local.alloc(1u8));
        s.spawn(|| local.alloc(2u8));
    });
}
