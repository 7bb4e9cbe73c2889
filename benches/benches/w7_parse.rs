//! W7: parse 100 000 Ethernet II + IPv4 + UDP frames, sum `ip.src + udp.dst_port + udp.len`.
//! IDs `w7/<contender>` (`lake_benches::w7::CONTENDERS`).
//!
//! Run one contender per process with `bash benches/run.sh` (`WORKLOADS=w7`), or
//! `cargo bench -p lake-benches --bench w7_parse -- '^w7/hand$'`. The corpus is built once per
//! process, outside the timed code; a contender's first round is checked against the
//! generator's sum (so a parser that disagrees aborts the run) the first time criterion runs
//! it, i.e. only if the filter selected it.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lake_benches::w7::{self, frames::Frames};

// Only the criterion settings are shared; W7 registers its own contenders.
#[allow(dead_code)]
mod common;

fn w7_parse(c: &mut Criterion) {
    let frames = Frames::w7();
    let want = frames.expected_sum();
    let mut group = c.benchmark_group("w7");
    group.throughput(Throughput::Elements(frames.len() as u64));
    for name in w7::CONTENDERS {
        let round = w7::round_fn(name).expect("a known contender");
        let mut checked = false;
        group.bench_function(name, |b| {
            if !checked {
                assert_eq!(
                    round(&frames),
                    want,
                    "w7/{name} disagrees with the generator"
                );
                checked = true;
            }
            b.iter(|| round(black_box(&frames)));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = w7_parse
}
criterion_main!(benches);
