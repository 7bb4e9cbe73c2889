#!/usr/bin/env bash
# Counts instructions per allocation for every (workload, contender) under callgrind, writes
# benches/results/callgrind.json, and regenerates the table (which merges it).
#
#   bash benches/callgrind.sh            # then benches/table.py (flags are passed to it)
#
# Method: `callgrind_round <workload> <contender> <rounds>` warms the contender up, then runs
# <rounds> rounds of A allocations (A = N = 10 000 in W1/W2; A = 1 000 scopes × 64 = 64 000 in
# W3). It runs under callgrind for LO and HI rounds, and
#
#     Ir per allocation = (Ir(HI) - Ir(LO)) / ((HI - LO) × A)
#
# which cancels process start-up, warm-up and input set-up (identical in both runs). The count
# includes the loop, the read-back and the reset (W3: opening and rewinding the scopes)
# amortised over A; subtract the `baseline` row (the same loop without allocation, and in W3
# without scopes) for the allocator's own share.
#
# W7 (packet parsing) runs `callgrind_w7 <contender> <rounds>` instead: A = 100 000 frames per
# round, and the result is instructions per packet. W4 (pools; only with WORKLOADS=w4, and
# printed rather than tabled: the README has a W4 section) runs `callgrind_w4 <contender>
# <rounds>`: A = 100 000 remove + insert pairs per round, for the keyed contenders.
#
# Environment: LO (default 1), HI (default 11), CONTENDERS, WORKLOADS as in run.sh (default
# w1 w2 w3 w7; each workload has its own contenders, see contenders_of, plus `baseline`).
# The (workload, contender) rows run replace theirs in benches/results/callgrind.json; rows
# not run this time are kept (the JSON records each workload's last run date). Raw callgrind files go to benches/results/raw/ (git-ignored),
# with a callgrind_annotate report per run.
set -euo pipefail
cd "$(dirname "$0")/.."

LO=${LO:-1}
HI=${HI:-11}
read -r -a workloads <<<"${WORKLOADS:-w1 w2 w3 w7 w6 w6m}"
raw=benches/results/raw
mkdir -p "$raw"

# Each workload's contenders, in table order (as in run.sh), then the baseline.
contenders_of() {
    case $1 in
        w1 | w2) echo "lake bumpalo bump-scope blink-alloc typed-arena box baseline" ;;
        w3) echo "lake-scope lake-guard lake-mark lake-snapshot bump-scope-scoped bump-scope-checkpoint baseline" ;;
        w4) echo "lake slab slotmap sharded-slab baseline" ;;
        w7) echo "lake hand zerocopy smoltcp etherparse binrw baseline" ;;
        # W6 (byte arenas) has no baseline row; w6x (two threads) is not counted.
        w6) echo "lake-fixed lake-buddy lake-size-class bytesmut aa-fixed aa-buddy" ;;
        w6m) echo "lake-size-class lake-buddy bytesmut aa-buddy" ;;
        *) echo "unknown workload: $1" >&2; exit 2 ;;
    esac
}

# The (workload, contender) pairs to run.
runs=()
for w in "${workloads[@]}"; do
    all=$(contenders_of "$w")
    for c in $all; do
        if [ -z "${CONTENDERS:-}" ] || [[ " $CONTENDERS " == *" $c "* ]]; then
            runs+=("$w $c")
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

command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }

# The `bench` profile is `release` plus debug info (see [profile.bench] in the root
# Cargo.toml): the same code criterion times, with symbols for callgrind_annotate.
# Builds one driver binary of lake-benches and prints its path.
build_bin() {
    cargo build --profile bench -p lake-benches --bin "$1" \
        --message-format=json-render-diagnostics |
        python3 -c '
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg.get("executable") \
            and msg["target"]["name"] == sys.argv[1]:
        print(msg["executable"])' "$1"
}
bin=$(build_bin callgrind_round)
[ -x "$bin" ] || { echo "could not build callgrind_round" >&2; exit 1; }
bin_w7=$(build_bin callgrind_w7)
[ -x "$bin_w7" ] || { echo "could not build callgrind_w7" >&2; exit 1; }
bin_w4=$(build_bin callgrind_w4)
[ -x "$bin_w4" ] || { echo "could not build callgrind_w4" >&2; exit 1; }
bin_w6=$(build_bin callgrind_w6)
[ -x "$bin_w6" ] || { echo "could not build callgrind_w6" >&2; exit 1; }

# Total instructions of one callgrind output file (its `summary:` or `totals:` line).
total_ir() {
    awk '/^(summary|totals):/ { print $2; exit }' "$1"
}

csv=$raw/callgrind.csv
echo "workload,contender,rounds,ir" >"$csv"
for run in "${runs[@]}"; do
    read -r w c <<<"$run"
    for r in "$LO" "$HI"; do
        out=$raw/callgrind.$w.$c.$r.out
        if [ "$w" = w7 ]; then
            cmd=("$bin_w7" "$c" "$r")
        elif [ "$w" = w4 ]; then
            cmd=("$bin_w4" "$c" "$r")
        elif [ "$w" = w6 ] || [ "$w" = w6m ]; then
            cmd=("$bin_w6" "$w" "$c" "$r")
        else
            cmd=("$bin" "$w" "$c" "$r")
        fi
        valgrind --tool=callgrind --callgrind-out-file="$out" -q "${cmd[@]}" >/dev/null
        ir=$(total_ir "$out")
        echo "$w,$c,$r,$ir" >>"$csv"
        callgrind_annotate "$out" >"$out.annotate.txt" 2>/dev/null || true
        printf '%-3s %-21s %3s rounds: %s Ir\n' "$w" "$c" "$r" "$ir"
    done
done

python3 - "$csv" "$LO" "$HI" "$(valgrind --version)" <<'PY'
import csv, json, sys, datetime
from pathlib import Path
path, lo, hi, valgrind = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
# Allocations per round: N in W1/W2, 1 000 scopes × 64 in W3 (lake_benches::allocations_per_round);
# W7: frames per round (lake_benches::w7::frames::FRAMES), so its "per alloc" is per packet.
# W4: remove + insert pairs per round (lake_benches::w4::ROUNDS); not in the README table (W4
# has its own section), printed here.
ALLOCS = {"w1": 10_000, "w2": 10_000, "w3": 64_000, "w4": 100_000, "w7": 100_000,
          "w6": 10_000, "w6m": 10_000}
date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
ir = {}
for row in csv.DictReader(open(path)):
    ir[(row["workload"], row["contender"], int(row["rounds"]))] = int(row["ir"])
json_path = Path("benches/results/callgrind.json")
old = json.loads(json_path.read_text()) if json_path.exists() else {}
# Per-workload metadata; results written before it existed carry theirs at the top level.
meta = old.get("workloads", {})
for w in old.get("results", {}):
    if w not in meta and "method" in old:
        meta[w] = {k: old[k] for k in
                   ("method", "lo_rounds", "hi_rounds", "allocations_per_round", "valgrind", "date")
                   if k in old}
results = old.get("results", {})
fresh = {}
for (w, c, r), v in sorted(ir.items()):
    if r != hi or (w, c, lo) not in ir:
        continue
    n = ALLOCS[w]
    per = (v - ir[(w, c, lo)]) / ((hi - lo) * n)
    fresh.setdefault(w, {})[c] = {
        "ir_lo": ir[(w, c, lo)],
        "ir_hi": v,
        "ir_per_alloc": round(per, 2),
    }
    meta[w] = {
        "method": f"(Ir({hi} rounds) - Ir({lo} rounds)) / ({hi - lo} x {n})",
        "lo_rounds": lo,
        "hi_rounds": hi,
        "allocations_per_round": n,
        "valgrind": valgrind,
        "date": date,
    }
# Fresh rows replace their (workload, contender); rows not re-run are kept.
for w, rows in fresh.items():
    results.setdefault(w, {}).update(rows)
    results[w] = dict(sorted(results[w].items()))
out = {
    "note": "per-workload method and last run in `workloads`; rows not re-run are kept",
    "workloads": dict(sorted(meta.items())),
    "results": dict(sorted(results.items())),
}
json_path.write_text(json.dumps(out, indent=2) + "\n")
for w, rows in fresh.items():
    for c, v in rows.items():
        unit = {"w7": "Ir/packet", "w4": "Ir/(remove+insert)"}.get(w, "Ir/alloc")
        print(f"{w} {c:21} {v['ir_per_alloc']:8.2f} {unit}")
PY

python3 benches/table.py "$@"
