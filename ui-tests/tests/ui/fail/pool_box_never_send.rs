// A `PoolBox` is never `Send`, even for a `Send` value: it holds `&Pool`, and the pool is not
// `Sync` (its free list is a `Cell`).
use lake::Pool;

fn main() {
    let pool: Pool<u32> = Pool::with_capacity(4);
    let guard = pool.acquire(|| 1);
    std::thread::scope(|t| {
        t.spawn(move || *guard + 1);
    });
}
