#!/usr/bin/env bash
# W7 on a noisy machine: the fastest round of each contender, contenders interleaved.
#
#   bash benches/time_w7.sh            # PASSES=5 ROUNDS=1000 by default
#
# Runs `time_w7 <contender> ROUNDS` once per contender per pass, each in its own process,
# alternating contenders, PASSES times; prints per contender the smallest round minimum and
# the median of the per-pass round medians, in ns per packet (100 000 packets per round),
# and the ratio of minimums to `hand`, and writes benches/results/time_w7.json, which
# benches/table.py adds to RESULTS.md. Complements criterion (bash benches/run.sh), whose
# medians include time other processes take from the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
PASSES=${PASSES:-5}
ROUNDS=${ROUNDS:-1000}
CONTENDERS=${CONTENDERS:-lake hand zerocopy smoltcp etherparse binrw}

bin=$(cargo build --profile bench -p lake-benches --bin time_w7 --message-format=json-render-diagnostics |
    python3 -c '
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg.get("executable") \
            and msg["target"]["name"] == "time_w7":
        print(msg["executable"])')
[ -x "$bin" ] || { echo "could not build time_w7" >&2; exit 1; }

out=$(mktemp)
load_before=$(cut -d' ' -f1 /proc/loadavg)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$PASSES"); do
    for c in $CONTENDERS; do
        "$bin" "$c" "$ROUNDS" >>"$out"
    done
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
load_after=$(cut -d' ' -f1 /proc/loadavg)
python3 - "$out" "$PASSES" "$ROUNDS" "$load_before" "$load_after" $CONTENDERS <<'PY'
import datetime, json, sys, statistics
from pathlib import Path
path, passes, rounds, load_before, load_after, names = (
    sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6:])
mins, meds = {}, {}
for line in open(path):
    c, mn, md = line.split()
    mins.setdefault(c, []).append(int(mn))
    meds.setdefault(c, []).append(int(md))
ref = min(mins["hand"]) if "hand" in mins else None
print(f"{'contender':<11} {'min ns/packet':>14} {'median ns/packet':>17} {'min vs hand':>12}")
for c in names:
    mn = min(mins[c]) / 100_000
    md = statistics.median(meds[c]) / 100_000
    vs = f"{min(mins[c]) / ref:.2f}x" if ref else "-"
    print(f"{c:<11} {mn:>14.2f} {md:>17.2f} {vs:>12}")
# For benches/table.py (the W7 "fastest round" table). Contenders not run keep their rows.
out_path = Path("benches/results/time_w7.json")
old = json.loads(out_path.read_text()) if out_path.exists() else {}
results = old.get("results", {})
for c in names:
    results[c] = {
        "min_ns_per_packet": round(min(mins[c]) / 100_000, 3),
        "median_ns_per_packet": round(statistics.median(meds[c]) / 100_000, 3),
    }
out_path.write_text(json.dumps({
    "method": f"time_w7 <contender> {rounds}, {passes} passes interleaved; min = fastest round "
              "of all passes, median = median of the per-pass round medians; / 100 000 packets",
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "load_before": load_before,
    "load_after": load_after,
    "results": results,
}, indent=2) + "\n")
print(f"wrote {out_path}")
PY
rm -f "$out"
