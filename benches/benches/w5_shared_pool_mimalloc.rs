//! W5 mimalloc contender: `Box::new(obj)` → read → drop with mimalloc as the global allocator
//! (its own binary, because `#[global_allocator]` is process-wide and would change every other
//! contender's heap). Same workload and timing as `w5_shared_pool.rs`; ID `w5/box_mimalloc`.
//!
//! `cargo bench -p lake-benches --bench w5_shared_pool_mimalloc`

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

mod w5_common;
use w5_common::{obj, CYCLES, THREADS};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn w5(c: &mut Criterion) {
    let mut g = c.benchmark_group("w5");
    g.throughput(Throughput::Elements(THREADS * CYCLES));
    g.sample_size(30).measurement_time(Duration::from_secs(4));
    g.bench_function("box_mimalloc", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                std::thread::scope(|s| {
                    for t in 0..THREADS {
                        s.spawn(move || {
                            let mut acc = 0u64;
                            for i in 0..CYCLES {
                                let i = i * THREADS + t;
                                let o = black_box(Box::new(obj(i)));
                                acc = acc.wrapping_add(o.0[(i % 8) as usize]);
                            }
                            black_box(acc)
                        });
                    }
                });
                total += start.elapsed();
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, w5);
criterion_main!(benches);
