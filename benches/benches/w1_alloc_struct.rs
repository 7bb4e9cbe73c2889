//! W1: 10 000 × allocate a 32-byte struct, read it back, reset. IDs `w1/<contender>`.
//!
//! Run one contender per process with `bash benches/run.sh` (see `benches/README.md`).

use criterion::{criterion_group, criterion_main, Criterion};

mod common;

fn w1(c: &mut Criterion) {
    common::register(c, "w1");
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = w1
}
criterion_main!(benches);
