#!/usr/bin/env bash
# W7 on a noisy machine: the fastest round of each contender, contenders interleaved.
#
#   bash benches/time_w7.sh            # PASSES=5 ROUNDS=1000 by default
#   W=w4 bash benches/time_w7.sh       # the same for W4 (pools), ratios to slab
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
W=${W:-w7}
case $W in
    w7) REF=hand; UNIT=packet; CONTENDERS=${CONTENDERS:-lake hand zerocopy smoltcp etherparse binrw} ;;
    w4) REF=slab; UNIT=pair; CONTENDERS=${CONTENDERS:-lake slab slotmap} ;;
    *) echo "W must be w4 or w7" >&2; exit 2 ;;
esac

bin=$(cargo build --profile bench -p lake-benches --bin "time_$W" --message-format=json-render-diagnostics |
    python3 -c '
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg.get("executable") \
            and msg["target"]["name"] == sys.argv[1]:
        print(msg["executable"])' "time_$W")
[ -x "$bin" ] || { echo "could not build time_$W" >&2; exit 1; }

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
python3 - "$out" "$PASSES" "$ROUNDS" "$load_before" "$load_after" "$W" "$REF" "$UNIT" $CONTENDERS <<'PY'
import datetime, json, sys, statistics
from pathlib import Path
path, passes, rounds, load_before, load_after, w, ref_name, unit, names = (
    sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6],
    sys.argv[7], sys.argv[8], sys.argv[9:])
mins, meds = {}, {}
for line in open(path):
    c, mn, md = line.split()
    mins.setdefault(c, []).append(int(mn))
    meds.setdefault(c, []).append(int(md))
ref = min(mins[ref_name]) if ref_name in mins else None
print(f"{'contender':<11} {'min ns/' + unit:>14} {'median ns/' + unit:>17} {'min vs ' + ref_name:>12}")
for c in names:
    mn = min(mins[c]) / 100_000
    md = statistics.median(meds[c]) / 100_000
    vs = f"{min(mins[c]) / ref:.2f}x" if ref else "-"
    print(f"{c:<11} {mn:>14.2f} {md:>17.2f} {vs:>12}")
# For benches/table.py (the W7 "fastest round" table). Contenders not run keep their rows.
out_path = Path(f"benches/results/time_{w}.json")
old = json.loads(out_path.read_text()) if out_path.exists() else {}
results = old.get("results", {})
for c in names:
    results[c] = {
        f"min_ns_per_{unit}": round(min(mins[c]) / 100_000, 3),
        f"median_ns_per_{unit}": round(statistics.median(meds[c]) / 100_000, 3),
    }
out_path.write_text(json.dumps({
    "method": f"time_{w} <contender> {rounds}, {passes} passes interleaved; min = fastest round "
              f"of all passes, median = median of the per-pass round medians; / 100 000 {unit}s",
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "load_before": load_before,
    "load_after": load_after,
    "results": results,
}, indent=2) + "\n")
print(f"wrote {out_path}")
PY
rm -f "$out"
