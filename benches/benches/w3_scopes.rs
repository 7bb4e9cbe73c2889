//! W3: 1 000 × { open a scope (or take a mark / checkpoint), 64 × allocate a 32-byte struct
//! and read it back, rewind }. IDs `w3/<contender>`; one iteration is the 1 000 scopes (64 000
//! allocations).
//!
//! Run one contender per process with `bash benches/run.sh` (see `benches/README.md`).

use criterion::{criterion_group, criterion_main, Criterion};

mod common;

fn w3(c: &mut Criterion) {
    common::register(c, "w3");
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = w3
}
criterion_main!(benches);
