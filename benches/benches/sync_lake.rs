//! Shared lakes: 2 threads × 100 000 × { allocate a 32-byte value, read it back } on one
//! shared arena, then reset after the join. IDs `sync/<contender>`:
//!
//! - `sync/lake-shared`: `&SyncLake` from both threads (one CAS per allocation);
//! - `sync/blink-shared`: `&SyncBlinkAlloc` from both threads;
//! - `sync/lake-local`: a `LocalLake` per thread (slabs, no atomics on the fast path);
//! - `sync/blink-local`: a `LocalBlinkAlloc` per thread.
//!
//! Run one contender per process: `cargo bench -p lake-benches --bench sync_lake -- sync/lake-shared`.
//! Each iteration includes spawning and joining the two scoped threads (a few µs, the same
//! for every contender).

use std::alloc::Layout;
use std::hint::black_box;
use std::ptr::NonNull;
use std::thread;
use std::time::Duration;

use blink_alloc::SyncBlinkAlloc;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lake::SyncLake;

const THREADS: usize = 2;
const PER_THREAD: usize = 100_000;

#[derive(Clone, Copy)]
#[repr(C)]
struct Item {
    id: u64,
    a: u64,
    b: u64,
    c: u64,
}

const _: () = assert!(size_of::<Item>() == 32);

#[inline(always)]
fn write_read(block: NonNull<u8>, i: usize) -> u64 {
    let p = block.cast::<Item>().as_ptr();
    // SAFETY: `block` is a fresh, aligned, writable block of 32 bytes from the arena.
    unsafe {
        p.write(Item {
            id: i as u64,
            a: 1,
            b: 2,
            c: 3,
        });
        (*p).id + (*p).c
    }
}

fn run_threads(body: impl Fn() -> u64 + Sync) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS).map(|_| s.spawn(&body)).collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn bench(c: &mut Criterion) {
    let layout = Layout::new::<Item>();
    let mut group = c.benchmark_group("sync");
    group.throughput(Throughput::Elements((THREADS * PER_THREAD) as u64));

    group.bench_function("lake-shared", |b| {
        let mut lake = SyncLake::new();
        b.iter(|| {
            let sum = run_threads(|| {
                let mut sum = 0;
                for i in 0..PER_THREAD {
                    let item = lake.alloc(Item {
                        id: i as u64,
                        a: 1,
                        b: 2,
                        c: 3,
                    });
                    sum += black_box(&*item).id + item.c;
                }
                sum
            });
            lake.reset();
            sum
        });
    });

    group.bench_function("blink-shared", |b| {
        let mut blink = SyncBlinkAlloc::new();
        b.iter(|| {
            let sum = run_threads(|| {
                let mut sum = 0;
                for i in 0..PER_THREAD {
                    let block = blink.allocate(layout).unwrap().cast::<u8>();
                    sum += black_box(write_read(block, i));
                }
                sum
            });
            blink.reset();
            sum
        });
    });

    group.bench_function("lake-local", |b| {
        let mut lake = SyncLake::new();
        b.iter(|| {
            let sum = run_threads(|| {
                let local = lake.local();
                let mut sum = 0;
                for i in 0..PER_THREAD {
                    let item = local.alloc(Item {
                        id: i as u64,
                        a: 1,
                        b: 2,
                        c: 3,
                    });
                    sum += black_box(&*item).id + item.c;
                }
                sum
            });
            lake.reset();
            sum
        });
    });

    group.bench_function("blink-local", |b| {
        let mut blink = SyncBlinkAlloc::new();
        b.iter(|| {
            let sum = run_threads(|| {
                let local = blink.local();
                let mut sum = 0;
                for i in 0..PER_THREAD {
                    let block = local.allocate(layout).unwrap().cast::<u8>();
                    sum += black_box(write_read(block, i));
                }
                sum
            });
            blink.reset();
            sum
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = bench
}
criterion_main!(benches);
