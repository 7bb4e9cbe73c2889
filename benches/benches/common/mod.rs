//! What the workload bench targets share: criterion settings and the per-contender registration.

use std::time::Duration;

use criterion::{Criterion, Throughput};
use lake_benches::{allocations_per_round, contenders, Contender, W2Input};

/// Moderate settings: the full run (3 workloads × 6 contenders, one process each, see
/// `benches/run.sh`) takes a few minutes on a 2-core machine.
pub fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
        .noise_threshold(0.03)
}

/// Registers `<workload>/<contender>` for every contender of `workload`
/// (`lake_benches::contenders`). One criterion iteration is one round (W1/W2: N allocations +
/// read-backs + the reset; W3: 1 000 scopes of 64 allocations + read-backs + the rewind), and
/// the throughput is that round's allocations.
///
/// A contender's state is created and warmed (`WARM_ROUNDS` untimed rounds) the first time
/// criterion runs its benchmark, i.e. outside `b.iter` and only if the filter selected it, so a
/// process that runs one contender never touches the heap on behalf of another.
pub fn register(c: &mut Criterion, workload: &str) {
    let input = W2Input::new();
    let mut group = c.benchmark_group(workload);
    group.throughput(Throughput::Elements(allocations_per_round(workload) as u64));
    for &name in contenders(workload) {
        let mut state: Option<Contender> = None;
        group.bench_function(name, |b| {
            let contender = state.get_or_insert_with(|| {
                Contender::warmed(workload, name, &input).expect("a known contender")
            });
            b.iter(|| contender.round(workload, &input));
        });
    }
    group.finish();
}
