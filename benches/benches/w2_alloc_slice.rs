//! W2: 10 000 × copy a 1..=256-byte slice in, read it back, reset. IDs `w2/<contender>`.
//!
//! Run one contender per process with `bash benches/run.sh` (see `benches/README.md`).

use criterion::{criterion_group, criterion_main, Criterion};

mod common;

fn w2(c: &mut Criterion) {
    common::register(c, "w2");
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = w2
}
criterion_main!(benches);
