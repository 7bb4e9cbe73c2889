//! W6: byte arenas that freeze into `bytes::Bytes` (`lake_benches::w6`). IDs `w6/<contender>`,
//! `w6m/<contender>` (mixed sizes) and `w6x/<contender>` (freed on another thread); one
//! criterion iteration is one round of `w6::N` buffers.
//!
//! Run one contender per process with `bash benches/run.sh` (`WORKLOADS="w6 w6m w6x"`), or
//! `cargo bench -p lake-benches --bench w6_bytes -- '^w6/bytesmut$'`. A contender's arena is
//! built, and its first round checked against the expected checksum, the first time criterion
//! runs it, i.e. only if the filter selected it.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lake_benches::w6::{self, Contender, MixedInput};

// Only the criterion settings are shared; W6 registers its own contenders.
#[allow(dead_code)]
mod common;

fn w6_bytes(c: &mut Criterion) {
    let payload = w6::payload();
    let mixed = MixedInput::new();
    for workload in ["w6", "w6m", "w6x"] {
        let want = if workload == "w6m" {
            w6::w6m_expected(&payload)
        } else {
            w6::w6_expected(&payload)
        };
        let mut group = c.benchmark_group(workload);
        group.throughput(Throughput::Elements(w6::N as u64));
        for &name in w6::contenders(workload) {
            let mut state: Option<Contender> = None;
            group.bench_function(name, |b| {
                let contender = state.get_or_insert_with(|| {
                    let c = Contender::new(name).expect("a known contender");
                    for _ in 0..3 {
                        assert_eq!(
                            c.round(workload, &payload, &mixed),
                            Some(want),
                            "{workload}/{name}"
                        );
                    }
                    c
                });
                b.iter(|| contender.round(workload, &payload, &mixed));
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = w6_bytes
}
criterion_main!(benches);
