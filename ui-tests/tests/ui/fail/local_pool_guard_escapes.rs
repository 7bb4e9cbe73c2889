// A guard from the thread-local pool cannot leave the closure that lent the pool.
use lake::pool::LocalPool;

fn main() {
    let guard = LocalPool::<String>::with(|pool| pool.acquire(String::new)).unwrap();
    drop(guard);
}
