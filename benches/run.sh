#!/usr/bin/env bash
# Runs the criterion benchmarks, one process per (workload, contender), then writes the table.
#
#   bash benches/run.sh             # all workloads and contenders, then benches/RESULTS.md
#   bash benches/run.sh --readme    # the same, and also the table in README.md between
#                                   # <!-- bench-table:start --> and <!-- bench-table:end -->
#
# Environment:
#   WORKLOADS="w1"              run only these workloads (default: w1 w2 w3 w7 w6 w6m w6x)
#   CONTENDERS="lake bumpalo"   run only these contenders (default: each workload's own list,
#                               see contenders_of; a name runs in the selected workloads that
#                               have it, and a name that none of them has is an error)
#
# Why one process each: a contender leaves the heap (and caches, TLB, page tables) in a state
# that skews whoever runs next in the same process. Criterion's filter selects exactly one
# benchmark ID per invocation, and the bench creates a contender's state only when selected.
# Every flag given to this script is passed to benches/table.py.
set -euo pipefail
cd "$(dirname "$0")/.."

read -r -a workloads <<<"${WORKLOADS:-w1 w2 w3 w7 w6 w6m w6x}"

# Each workload's contenders, in table order: the same lists as `contenders()` in
# benches/src/lib.rs and CONTENDERS in benches/table.py.
contenders_of() {
    case $1 in
        w1 | w2) echo "lake bumpalo bump-scope blink-alloc typed-arena box" ;;
        w3) echo "lake-scope lake-guard lake-mark lake-snapshot bump-scope-scoped bump-scope-checkpoint" ;;
        # W7's list is lake_benches::w7::CONTENDERS.
        w7) echo "lake hand zerocopy smoltcp etherparse binrw" ;;
        # W6's lists are lake_benches::w6::{W6,W6M,W6X}_CONTENDERS.
        w6 | w6x) echo "lake-fixed lake-buddy lake-size-class bytesmut aa-fixed aa-buddy" ;;
        w6m) echo "lake-size-class lake-buddy bytesmut aa-buddy" ;;
        *) echo "unknown workload: $1" >&2; exit 2 ;;
    esac
}

bench_target() {
    case $1 in
        w1) echo w1_alloc_struct ;;
        w2) echo w2_alloc_slice ;;
        w3) echo w3_scopes ;;
        w7) echo w7_parse ;;
        w6 | w6m | w6x) echo w6_bytes ;;
        *) echo "unknown workload: $1" >&2; exit 2 ;;
    esac
}

# The (workload, contender) pairs to run, and the bench targets they need.
runs=()
targets=()
for w in "${workloads[@]}"; do
    target=$(bench_target "$w")
    targets+=(--bench "$target")
    read -r -a all <<<"$(contenders_of "$w")"
    for c in "${all[@]}"; do
        if [ -z "${CONTENDERS:-}" ] || [[ " $CONTENDERS " == *" $c "* ]]; then
            runs+=("$w $target $c")
        fi
    done
done
if [ -n "${CONTENDERS:-}" ]; then
    for c in $CONTENDERS; do
        if ! printf '%s\n' "${runs[@]}" | grep -q " $c\$"; then
            echo "contender $c is in none of the workloads ${workloads[*]}" >&2
            exit 2
        fi
    done
fi

# Build first, so compile time stays out of the runs and a build error stops everything. Only
# the targets that will run are built.
cargo bench -p lake-benches "${targets[@]}" --no-run

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
for run in "${runs[@]}"; do
    read -r w target c <<<"$run"
    echo
    echo "=== $w/$c (bench target $target, own process)"
    cargo bench -q -p lake-benches --bench "$target" -- "^$w/$c\$"
done
echo
echo "criterion runs took $(($(date +%s) - start)) s"

python3 benches/table.py "$@"
