// A guard from the per-thread pool cannot leave the closure that lent the pool.
use lake::pool::PerThreadPool;

fn main() {
    let guard = PerThreadPool::<String>::with(|pool| pool.acquire(String::new));
    drop(guard);
}
