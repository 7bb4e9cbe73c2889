// Guarantee: a `SyncLake` can only be reset with `&mut`, i.e. once every thread that borrows
// it has been joined: resetting while another thread may still hold an allocation fails.
use std::thread;

fn main() {
    let mut lake = lake::SyncLake::new();
    thread::scope(|s| {
        s.spawn(|| {
            let v = lake.alloc(1u64);
            *v += 1;
        });
        lake.reset();
    });
}
