// Guarantee: a `PoolBox` cannot outlive its pool: the guard borrows the pool, and the pool is
// dropped at the end of the inner block while the guard is still used after it (E0597).
use lake::{Pool, PoolBox};

fn main() {
    let outer: PoolBox<'_, Vec<u8>>;
    {
        let pool = Pool::with_capacity(4);
        outer = pool.acquire(|| vec![1, 2, 3]);
    }
    println!("{}", outer.len());
}
