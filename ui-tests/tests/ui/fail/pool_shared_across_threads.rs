// Guarantee: a `Pool` is not `Sync`: `acquire(&self)` pops its free list without
// synchronisation, so two threads cannot use one pool through `&Pool` (E0277). Sharing across
// threads is what a dedicated shared pool is for.
use lake::Pool;

fn main() {
    let pool: Pool<u32> = Pool::with_capacity(4);
    std::thread::scope(|s| {
        s.spawn(|| *pool.acquire(|| 1));
        s.spawn(|| *pool.acquire(|| 2));
    });
}
