#!/usr/bin/env bash
# Counts instructions per allocation for every (workload, contender) under callgrind, writes
# benches/results/callgrind.json, and regenerates the table (which merges it).
#
#   bash benches/callgrind.sh            # then benches/table.py (flags are passed to it)
#
# Method: `callgrind_round <workload> <contender> <rounds>` warms the contender up, then runs
# <rounds> rounds of N = 10 000 allocations. It runs under callgrind for LO and HI rounds, and
#
#     Ir per allocation = (Ir(HI) - Ir(LO)) / ((HI - LO) × N)
#
# which cancels process start-up, warm-up and input set-up (identical in both runs). The count
# includes the loop, the read-back and the reset amortised over N; subtract the `baseline`
# row (the same loop without allocation) for the allocator's own share.
#
# Environment: LO (default 1), HI (default 11), CONTENDERS, WORKLOADS as in run.sh.
# Raw callgrind files go to benches/results/raw/ (git-ignored), with a callgrind_annotate
# report per run.
set -euo pipefail
cd "$(dirname "$0")/.."

LO=${LO:-1}
HI=${HI:-11}
ALL_CONTENDERS="lake bumpalo bump-scope blink-alloc typed-arena box baseline"
read -r -a contenders <<<"${CONTENDERS:-$ALL_CONTENDERS}"
read -r -a workloads <<<"${WORKLOADS:-w1 w2}"
raw=benches/results/raw
mkdir -p "$raw"

command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }

# The `bench` profile is `release` plus debug info (see [profile.bench] in the root
# Cargo.toml): the same code criterion times, with symbols for callgrind_annotate.
bin=$(cargo build --profile bench -p lake-benches --bin callgrind_round \
    --message-format=json-render-diagnostics |
    python3 -c '
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg.get("executable") \
            and msg["target"]["name"] == "callgrind_round":
        print(msg["executable"])')
[ -x "$bin" ] || { echo "could not build callgrind_round" >&2; exit 1; }

# Total instructions of one callgrind output file (its `summary:` or `totals:` line).
total_ir() {
    awk '/^(summary|totals):/ { print $2; exit }' "$1"
}

csv=$raw/callgrind.csv
echo "workload,contender,rounds,ir" >"$csv"
for w in "${workloads[@]}"; do
    for c in "${contenders[@]}"; do
        for r in "$LO" "$HI"; do
            out=$raw/callgrind.$w.$c.$r.out
            valgrind --tool=callgrind --callgrind-out-file="$out" -q "$bin" "$w" "$c" "$r" >/dev/null
            ir=$(total_ir "$out")
            echo "$w,$c,$r,$ir" >>"$csv"
            callgrind_annotate "$out" >"$out.annotate.txt" 2>/dev/null || true
            printf '%-3s %-12s %3s rounds: %s Ir\n' "$w" "$c" "$r" "$ir"
        done
    done
done

python3 - "$csv" "$LO" "$HI" "$(valgrind --version)" <<'PY'
import csv, json, sys, datetime
path, lo, hi, valgrind = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
N = 10_000
ir = {}
for row in csv.DictReader(open(path)):
    ir[(row["workload"], row["contender"], int(row["rounds"]))] = int(row["ir"])
out = {
    "method": f"(Ir({hi} rounds) - Ir({lo} rounds)) / ({hi - lo} x {N})",
    "lo_rounds": lo,
    "hi_rounds": hi,
    "allocations_per_round": N,
    "valgrind": valgrind,
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "results": {},
}
for (w, c, r), v in sorted(ir.items()):
    if r != hi or (w, c, lo) not in ir:
        continue
    per = (v - ir[(w, c, lo)]) / ((hi - lo) * N)
    out["results"].setdefault(w, {})[c] = {
        "ir_lo": ir[(w, c, lo)],
        "ir_hi": v,
        "ir_per_alloc": round(per, 2),
    }
json.dump(out, open("benches/results/callgrind.json", "w"), indent=2)
open("benches/results/callgrind.json", "a").write("\n")
for w, rows in out["results"].items():
    for c, v in rows.items():
        print(f"{w} {c:12} {v['ir_per_alloc']:8.2f} Ir/alloc")
PY

python3 benches/table.py "$@"
