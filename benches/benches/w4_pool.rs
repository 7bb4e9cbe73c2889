//! W4: 1 000 live 64-byte objects; 100 000 × { remove a pseudo-random one,
//! insert a new one }. IDs `w4/<contender>`: lake `Pool`, slab, slotmap, sharded-slab,
//! object-pool, `Box`.
//!
//! object-pool has no keys: its contender keeps the 1 000 live objects as `Reusable` guards,
//! "removes" by dropping a guard (the object returns to the pool) and "inserts" by pulling an
//! object back out and overwriting it. sharded-slab is the concurrent slab used from one
//! thread (`take` removes and returns the value).
//!
//! Standalone: `cargo bench -p lake-benches --bench w4_pool` (not part of `run.sh`). Every
//! contender does the same work: the same pseudo-random sequence of positions in a table of
//! 1 000 keys; it removes the key's value, reads one byte of it (so the removal is not dead
//! code), inserts a new value and stores the new key.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use lake_benches::w4::{obj, round, Obj, Rng, Store, LIVE, ROUNDS};

fn bench_store<S: Store>(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    mut store: S,
) {
    let mut keys: Vec<S::Key> = (0..LIVE as u64).map(|i| store.insert(obj(i))).collect();
    c.bench_function(name, |b| b.iter(|| black_box(round(&mut store, &mut keys))));
}

fn w4(c: &mut Criterion) {
    let mut group = c.benchmark_group("w4");
    group.throughput(Throughput::Elements(ROUNDS as u64));
    bench_store(
        &mut group,
        "lake_pool",
        lake::Pool::<Obj>::with_capacity(LIVE),
    );
    bench_store(&mut group, "slab", slab::Slab::<Obj>::with_capacity(LIVE));
    bench_store(
        &mut group,
        "slotmap",
        slotmap::SlotMap::<slotmap::DefaultKey, Obj>::with_capacity(LIVE),
    );
    bench_store(&mut group, "sharded_slab", sharded_slab::Slab::<Obj>::new());
    group.bench_function("object_pool", |b| {
        let pool = object_pool::Pool::<Obj>::new(LIVE, || obj(0));
        let mut live: Vec<Option<object_pool::Reusable<'_, Obj>>> = (0..LIVE as u64)
            .map(|i| {
                let mut g = pool.pull(|| obj(0));
                *g = obj(i);
                Some(g)
            })
            .collect();
        b.iter(|| {
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
            let mut sum = 0u64;
            for i in 0..ROUNDS {
                let at = rng.next();
                let old = live[at].take().expect("live guard");
                sum = sum.wrapping_add(old.0[i & 7]);
                drop(old); // back to the pool
                let mut g = pool.pull(|| obj(0));
                *g = obj(i as u64);
                live[at] = Some(g);
            }
            black_box(sum)
        });
    });
    group.bench_function("box", |b| {
        let mut keys: Vec<Option<Box<Obj>>> =
            (0..LIVE as u64).map(|i| Some(Box::new(obj(i)))).collect();
        b.iter(|| {
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
            let mut sum = 0u64;
            for i in 0..ROUNDS {
                let at = rng.next();
                let old = keys[at].take().expect("live box");
                sum = sum.wrapping_add(old.0[i & 7]);
                drop(black_box(old)); // free, then allocate: the same order as the pools
                keys[at] = Some(Box::new(obj(i as u64)));
            }
            black_box(sum)
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
    targets = w4
}
criterion_main!(benches);
