// Guarantee: a `PoolBox` of a `!Send` value cannot be sent to another thread: dropping it
// there would touch the `Rc`'s non-atomic count (and the `!Sync` pool) from two threads
// (E0277). (`PoolBox` is never `Send`: it refers to a `!Sync` pool.)
use std::rc::Rc;

use lake::Pool;

fn main() {
    let pool = Pool::with_capacity(4);
    let shared = Rc::new(5u32);
    let guard = pool.acquire(|| Rc::clone(&shared));
    std::thread::scope(|s| {
        s.spawn(move || drop(guard));
    });
    drop(shared);
}
