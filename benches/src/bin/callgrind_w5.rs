//! Single-thread `SharedPool` cycles for instruction counting under callgrind (W5's per-cycle
//! cost without the second thread):
//!
//! ```text
//! callgrind_w5 <guard|handle> <cycles>
//! ```
//!
//! `guard`: `acquire(|| obj)` → read a word → drop the guard. `handle`: `insert` → `get` →
//! read a word → drop the `Ref` → `discard`. Run it under callgrind for two cycle counts and
//! divide the difference in instructions by the difference in cycles, which cancels start-up:
//!
//! ```text
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/callgrind_w5 guard 100000
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/callgrind_w5 guard 300000
//! ```

use std::hint::black_box;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some((path, cycles)) = lake_benches::contender_and_rounds() else {
        return usage();
    };
    let pool = lake::SharedPool::<[u64; 8]>::with_capacity(1024);
    let mut sum = 0u64;
    match path.as_str() {
        "guard" => {
            for i in 0..cycles as u64 {
                let g = pool.acquire(|| [i; 8]);
                sum = sum.wrapping_add(g[(i % 8) as usize]);
            }
        }
        "handle" => {
            for i in 0..cycles as u64 {
                let h = pool.insert([i; 8]);
                sum = sum.wrapping_add(pool.get(h).expect("just inserted")[(i % 8) as usize]);
                pool.discard(h);
            }
        }
        _ => return usage(),
    }
    println!("w5/{path}: {cycles} cycles, checksum {:#x}", black_box(sum));
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: callgrind_w5 <guard|handle> <cycles>");
    ExitCode::from(2)
}
