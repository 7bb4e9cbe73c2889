#!/usr/bin/env bash
# lake-pcap throughput, thread scaling and memory against the floor, tcpdump and tshark.
#
#   bash benches/pcap.sh                 # files in a fresh temporary directory (in /dev/shm when
#                                        # it has 6 GB free), removed afterwards
#   PCAP_BENCH_DIR=/tmp/pcapbench bash benches/pcap.sh   # keep (and reuse) the ~3.7 GB of files
#   RUNS=5 TSHARK_FILE=rep-5000 bash benches/pcap.sh
#   NICE=-20 bash benches/pcap.sh        # as root on a busy machine: each contender in a session
#                                        # (autogroup) of its own at nice -20
#
# Builds `pcap_floor` (benches/src/bin/pcap_floor.rs) and `lake-pcap` in release mode
# (lake-pcap is skipped with a note if it does not build), builds the bench files by
# repeating examples/data/loopback.pcap (100×, 5000×, ~2 GB) and the malformed frames of
# examples/data/malformed.pcap (~1 GB), and runs benches/pcap_bench.py. tshark runs on the
# 100× file (best of RUNS) and once on the 5000× file (TSHARK_ONCE=rep-5000; empty for
# none), never on the 2 GB one: it keeps per-packet state and takes minutes on gigabytes.
# Writes benches/results/pcap.{json,md} and the "lake-pcap" section of benches/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
cargo build --release -p lake-benches --bin pcap_floor
floor="$target/release/pcap_floor"
lake_args=()
if cargo build --release -p lake-examples --bin lake-pcap; then
    lake_args=(--lake "$target/release/lake-pcap")
else
    echo "pcap.sh: lake-pcap did not build; measuring the floor, tcpdump and tshark only" >&2
fi

# The files go to /dev/shm when it has room: on a disk file system other work on the
# machine can evict them from the page cache between runs, and the runs then time disk reads.
if [[ -n ${PCAP_BENCH_DIR:-} ]]; then
    dir=$PCAP_BENCH_DIR
else
    shm_free_kib=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
    if [[ -n $shm_free_kib && $shm_free_kib -gt 6000000 ]]; then
        dir=$(mktemp -d -p /dev/shm lake-pcap-bench.XXXXXX)
    else
        dir=$(mktemp -d)
    fi
    trap 'rm -rf "$dir"' EXIT
fi
echo "pcap.sh: bench files in $dir" >&2

python3 benches/pcap_bench.py --floor "$floor" "${lake_args[@]}" --dir "$dir" \
    --runs "${RUNS:-3}" --tshark-file "${TSHARK_FILE:-rep-100}" --tshark-once "${TSHARK_ONCE-rep-5000}" ${NICE:+--nice "$NICE"}

# Replace (or append) the lake-pcap section of RESULTS.md; benches/table.py keeps it too.
python3 - <<'PY'
from pathlib import Path
results = Path("benches/RESULTS.md")
section = Path("benches/results/pcap.md").read_text()
text = results.read_text() if results.exists() else "# lake benchmark results\n\n"
head = text.split("\n## lake-pcap\n")[0].rstrip("\n")
results.write_text(head + "\n\n" + section)
print(f"wrote the lake-pcap section of {results}")
PY
