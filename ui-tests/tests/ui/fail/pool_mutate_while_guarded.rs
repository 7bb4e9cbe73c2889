// While a `PoolBox` guard lives, nothing that can move or drop values may run: `insert`, `clear`
// and `remove` take `&mut self`, and the guard borrows the pool.
use lake::Pool;

fn main() {
    let mut pool: Pool<String> = Pool::with_capacity(4);
    let guard = pool.acquire(|| String::from("held"));
    pool.clear();
    println!("{}", *guard);
}
