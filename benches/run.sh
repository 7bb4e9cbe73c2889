#!/usr/bin/env bash
# Runs the criterion benchmarks, one process per (workload, contender), then writes the table.
#
#   bash benches/run.sh             # all workloads and contenders, then benches/RESULTS.md
#   bash benches/run.sh --readme    # the same, and also the table in README.md between
#                                   # <!-- bench-table:start --> and <!-- bench-table:end -->
#
# Environment:
#   CONTENDERS="lake bumpalo"   run only these contenders (default: all six)
#   WORKLOADS="w1"              run only these workloads (default: w1 w2)
#
# Why one process each: a contender leaves the heap (and caches, TLB, page tables) in a state
# that skews whoever runs next in the same process. Criterion's filter selects exactly one
# benchmark ID per invocation, and the bench creates a contender's state only when selected.
# Every flag given to this script is passed to benches/table.py.
set -euo pipefail
cd "$(dirname "$0")/.."

ALL_CONTENDERS="lake bumpalo bump-scope blink-alloc typed-arena box"
read -r -a contenders <<<"${CONTENDERS:-$ALL_CONTENDERS}"
read -r -a workloads <<<"${WORKLOADS:-w1 w2}"

bench_target() {
    case $1 in
        w1) echo w1_alloc_struct ;;
        w2) echo w2_alloc_slice ;;
        *) echo "unknown workload: $1" >&2; exit 2 ;;
    esac
}

# Build first, so compile time stays out of the runs and a build error stops everything.
cargo bench -p lake-benches --benches --no-run

# table.py marks results older than this file as stale (left from an earlier run).
target_dir=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
mkdir -p "$target_dir/criterion"
# The marker also records the load average, which table.py prints: timings taken while other
# work runs on this machine are noisy.
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)
echo "$load" >"$target_dir/criterion/.lake-run-start"
if awk -v l="$load" 'BEGIN { exit !(l + 0 > 0.5) }'; then
    echo "warning: load average $load before the run; timings will be noisy" >&2
fi

start=$(date +%s)
for w in "${workloads[@]}"; do
    target=$(bench_target "$w")
    for c in "${contenders[@]}"; do
        echo
        echo "=== $w/$c (bench target $target, own process)"
        cargo bench -q -p lake-benches --bench "$target" -- "^$w/$c\$"
    done
done
echo
echo "criterion runs took $(($(date +%s) - start)) s"

python3 benches/table.py "$@"
