#!/usr/bin/env python3
"""Writes benches/RESULTS.md from criterion's estimates and benches/results/callgrind.json.

    python3 benches/table.py            # benches/RESULTS.md only
    python3 benches/table.py --readme   # also README.md, between the bench-table markers
    python3 benches/table.py --stdout   # print the table instead of writing anything

Reads `<target>/criterion/<workload>/<contender>/new/estimates.json` (criterion's median, per
iteration = per round: 10 000 allocations in W1/W2, 1 000 scopes × 64 = 64 000 in W3). Results
older than the last `benches/run.sh` are marked stale. Each workload has its own contenders;
W1/W2 compare with bumpalo, W3 with the faster of its two bump-scope contenders. Standard
library only.
"""

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each workload's contenders, in table order: the same lists as `contenders()` in
# benches/src/lib.rs and `contenders_of` in run.sh / callgrind.sh.
W12 = ["lake", "bumpalo", "bump-scope", "blink-alloc", "typed-arena", "box"]
W6 = ["lake-fixed", "lake-buddy", "lake-size-class", "bytesmut", "aa-fixed", "aa-buddy"]
CONTENDERS = {
    "w1": W12,
    "w2": W12,
    "w3": [
        "lake-scope",
        "lake-guard",
        "lake-mark",
        "lake-snapshot",
        "bump-scope-scoped",
        "bump-scope-checkpoint",
    ],
    # lake_benches::w7::CONTENDERS
    "w7": ["lake", "hand", "zerocopy", "smoltcp", "etherparse", "binrw"],
    # lake_benches::w6::{W6,W6M,W6X}_CONTENDERS
    "w6": W6,
    "w6m": ["lake-size-class", "lake-buddy", "bytesmut", "aa-buddy"],
    "w6x": W6,
}
# Allocations per round (per criterion iteration); for W7, frames per round.
ALLOCS = {"w1": 10_000, "w2": 10_000, "w3": 64_000, "w7": 100_000,
          "w6": 10_000, "w6m": 10_000, "w6x": 10_000}
# What ALLOCS counts, per workload (the "per …" columns).
UNIT = {"w7": "packet", "w6": "buffer", "w6m": "buffer", "w6x": "buffer"}
# What each workload's ratio column compares with: the fastest (lowest) of these contenders.
REFERENCE = {
    "w1": ("bumpalo", ["bumpalo"]),
    "w2": ("bumpalo", ["bumpalo"]),
    "w3": ("bump-scope", ["bump-scope-scoped", "bump-scope-checkpoint"]),
    "w7": ("hand-written", ["hand"]),
    "w6": ("BytesMut", ["bytesmut"]),
    "w6m": ("BytesMut", ["bytesmut"]),
    "w6x": ("BytesMut", ["bytesmut"]),
}
WORKLOADS = {
    "w1": "W1: 10 000 × alloc a 32-byte struct, read back, reset",
    "w2": "W2: 10 000 × copy a 1..=256-byte slice, read back, reset",
    "w3": "W3: 1 000 × { open a scope (or take a mark / checkpoint), 64 × alloc a 32-byte "
    "struct, read back, rewind }; vs bump-scope = vs the faster of `bump-scope-scoped` and "
    "`bump-scope-checkpoint`",
    "w7": "W7: parse 100 000 Ethernet II + IPv4 (¼ with options) + UDP frames, sum ip.src + "
    "udp.dst_port + udp.len; vs hand-written = vs the `hand` contender (`from_be_bytes`)",
    "w6": "W6: 10 000 × { allocate a 4096-byte buffer, write 1024 B, freeze to `Bytes`, clone, "
    "read, drop both }; aa-* = arena-alligator 0.7, bytesmut = `BytesMut::with_capacity`",
    "w6m": "W6m: as W6 with capacities 64 B – 16 KiB (xorshift32, fixed seed) and a 64-byte write",
    "w6x": "W6x: a producer thread allocates 10 000 × 4096-byte buffers, writes 1024 B, freezes, "
    "sends batches of 100 `Bytes` over a bounded channel; the consumer thread reads and drops "
    "them (every free is on the other thread)",
}
START = "<!-- bench-table:start -->"
END = "<!-- bench-table:end -->"
COMMAND = "bash benches/run.sh && bash benches/callgrind.sh"


def run(cmd):
    try:
        return subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def target_dir():
    if os.environ.get("CARGO_TARGET_DIR"):
        return Path(os.environ["CARGO_TARGET_DIR"])
    meta = run(["cargo", "metadata", "--format-version", "1", "--no-deps"])
    if meta:
        return Path(json.loads(meta)["target_directory"])
    return ROOT / "target"


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def fmt_time(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.2f} ns"


def criterion_rows(criterion):
    marker = criterion / ".lake-run-start"
    since = marker.stat().st_mtime if marker.exists() else None
    rows = {}
    for w in WORKLOADS:
        for c in CONTENDERS[w]:
            est = criterion / w / c / "new" / "estimates.json"
            if not est.exists():
                continue
            median = json.load(open(est))["median"]
            ci = median["confidence_interval"]
            rows[(w, c)] = {
                "median": median["point_estimate"],
                "lo": ci["lower_bound"],
                "hi": ci["upper_bound"],
                "stale": since is not None and est.stat().st_mtime < since,
            }
    return rows


def ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "–"


def reference(w, values):
    """The value `w`'s ratio column compares with: the lowest of its reference contenders."""
    refs = [values[c] for c in REFERENCE[w][1] if values.get(c) is not None]
    return min(refs) if refs else None


def is_lake(c):
    return c == "lake" or c.startswith("lake-")


def unit(ws):
    """What a group's "per …" columns count: allocations, or packets for W7."""
    return UNIT.get(ws[0], "allocation")


def groups():
    """Workloads that share a table: those with the same reference column."""
    out = {}
    for w in WORKLOADS:
        out.setdefault(REFERENCE[w][0], []).append(w)
    return list(out.items())


def render(rows, cg, load, w7_min=None):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rustc = run(["rustc", "-V"]) or "unknown rustc"
    head = run(["git", "rev-parse", "--short", "HEAD"]) or "unknown"
    dirty = run(["git", "status", "--porcelain", "--", "lake"])
    lake_rev = f"{head}{' + uncommitted changes in lake/' if dirty else ''}"
    out = []
    out.append(
        f"Reproduce with `{COMMAND}`; each script rewrites this table "
        "(`python3 benches/table.py [--readme]` rewrites it from the last results)."
    )
    out.append("")
    out.append(f"- date: {now}")
    out.append(f"- rustc: `{rustc}`")
    out.append(f"- CPU: {cpu_model()} ({os.cpu_count()} logical CPUs), {platform.system()}")
    out.append(f"- lake: commit {lake_rev}")
    if load is not None:
        out.append(
            f"- load average when `run.sh` started: {load} "
            "(other work on the machine makes timings noisy)"
        )
    out.append(
        "- criterion: 1 s warm-up, 3 s measurement, 30 samples; one process per row; "
        "time = median per round (W1/W2: 10 000 allocations + read-back + reset; "
        "W3: 1 000 scopes of 64 allocations + read-back + rewind; "
        "W7: 100 000 frames parsed)"
    )
    out.append("")
    summary = []
    for ref_name, ws in groups():
        out.append(
            f"| workload | contender | median / round | 95% CI of median | per {unit(ws)} "
            f"| vs fastest | vs {ref_name} |"
        )
        out.append("|---|---|---:|---:|---:|---:|---:|")
        for w in ws:
            present = {c: rows[(w, c)] for c in CONTENDERS[w] if (w, c) in rows}
            if not present:
                out.append(f"| {w} | (not run) | | | | | |")
                continue
            fastest = min(r["median"] for r in present.values())
            ref = reference(w, {c: r["median"] for c, r in present.items()})
            for c, r in present.items():
                name = f"**{c}**" if is_lake(c) else c
                stale = " (stale)" if r["stale"] else ""
                out.append(
                    f"| {w} | {name}{stale} | {fmt_time(r['median'])} "
                    f"| {fmt_time(r['lo'])} – {fmt_time(r['hi'])} "
                    f"| {fmt_time(r['median'] / ALLOCS[w])} | {ratio(r['median'], fastest)} "
                    f"| {ratio(r['median'], ref)} |"
                )
            lakes = [c for c in CONTENDERS[w] if is_lake(c)]
            if lakes == ["lake"]:
                summary.append((ref_name, f"{w.upper()} {ratio(present.get('lake', {}).get('median'), ref)}"))
            else:
                parts = ", ".join(
                    f"{c} {ratio(present.get(c, {}).get('median'), ref)}" for c in lakes
                )
                summary.append((ref_name, f"{w.upper()} {parts}"))
        out.append("")
    for ref_name, _ in groups():
        items = [text for r, text in summary if r == ref_name]
        if items:
            out.append(
                f"**lake / {ref_name}** (median time, < 1 means lake is faster): "
                + ", ".join(items)
            )
            out.append("")
    for w, text in WORKLOADS.items():
        out.append(f"- {text}")
    out.append("")

    if w7_min and w7_min.get("results"):
        res = w7_min["results"]
        ref = res.get("hand", {}).get("min_ns_per_packet")
        out.append(
            "W7 fastest round (`bash benches/time_w7.sh`; "
            f"{w7_min.get('method', '?')}; {w7_min.get('date', '?')}, load average "
            f"{w7_min.get('load_before', '?')} → {w7_min.get('load_after', '?')}). On a shared "
            "machine the minimum approximates an undisturbed round; criterion's median above "
            "includes time other processes took."
        )
        out.append("")
        out.append("| workload | contender | fastest round, ns / packet | median, ns / packet "
                   "| vs hand-written (fastest) |")
        out.append("|---|---|---:|---:|---:|")
        for c in CONTENDERS["w7"]:
            if c not in res:
                continue
            v = res[c]
            name = f"**{c}**" if is_lake(c) else c
            out.append(f"| w7 | {name} | {v['min_ns_per_packet']:.2f} "
                       f"| {v['median_ns_per_packet']:.2f} | {ratio(v['min_ns_per_packet'], ref)} |")
        out.append("")

    if cg and cg.get("results"):
        meta = cg.get("workloads", {})
        runs = {}  # (method, valgrind, date) -> workloads, so a full run prints them once
        for w in WORKLOADS:
            if w not in cg["results"]:
                continue
            m = meta.get(w, cg)  # older files keep one method for all, at the top level
            key = (m.get("method", "?"), m.get("valgrind", "valgrind"), m.get("date", ""))
            runs.setdefault(key, []).append(w.upper())
        runs = [f"{'/'.join(ws)}: {', '.join(k)}" for k, ws in runs.items()]
        out.append(
            "Instructions per allocation (callgrind, `bash benches/callgrind.sh`; "
            + "; ".join(runs)
            + "). Includes the loop, the read-back and the reset (W3: the scope's start and "
            "rewind) amortised over the round's allocations; `− baseline` subtracts the same "
            "loop without any allocation (or scope). W7 counts per packet; its baseline is "
            "the loop over the frame index reading one byte per frame."
        )
        out.append("")
        for ref_name, ws in groups():
            if not any(w in cg["results"] for w in ws):
                continue
            out.append(
                f"| workload | contender | Ir / {unit(ws)} | − baseline "
                f"| vs {ref_name} (Ir / {unit(ws)}) |"
            )
            out.append("|---|---|---:|---:|---:|")
            for w in ws:
                res = cg["results"].get(w, {})
                base = res.get("baseline", {}).get("ir_per_alloc")
                ref = reference(w, {c: v["ir_per_alloc"] for c, v in res.items()})
                for c in CONTENDERS[w] + ["baseline"]:
                    if c not in res:
                        continue
                    v = res[c]["ir_per_alloc"]
                    net = f"{v - base:.1f}" if base is not None and c != "baseline" else "–"
                    vs = ratio(v, ref) if c != "baseline" else "–"
                    name = f"**{c}**" if is_lake(c) else c
                    out.append(f"| {w} | {name} | {v:.1f} | {net} | {vs} |")
            out.append("")
    else:
        out.append("(No callgrind results: run `bash benches/callgrind.sh`.)")
        out.append("")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readme", action="store_true", help="also update README.md between markers")
    ap.add_argument("--stdout", action="store_true", help="print instead of writing files")
    args = ap.parse_args()

    criterion = target_dir() / "criterion"
    rows = criterion_rows(criterion)
    marker = criterion / ".lake-run-start"
    load = (marker.read_text().strip() or None) if marker.exists() else None
    cg_path = ROOT / "benches" / "results" / "callgrind.json"
    cg = json.load(open(cg_path)) if cg_path.exists() else None
    w7_path = ROOT / "benches" / "results" / "time_w7.json"
    w7_min = json.load(open(w7_path)) if w7_path.exists() else None
    block = render(rows, cg, load, w7_min)
    if any(r["stale"] for r in rows.values()):
        print("warning: some criterion results predate the last run.sh (marked stale)",
              file=sys.stderr)

    if args.stdout:
        print(block)
        return
    results = ROOT / "benches" / "RESULTS.md"
    # The lake-pcap section comes from benches/pcap.sh (benches/results/pcap.md).
    pcap_md = ROOT / "benches" / "results" / "pcap.md"
    pcap_section = "\n" + pcap_md.read_text() if pcap_md.exists() else ""
    results.write_text(
        "# lake benchmark results\n\n"
        "Generated by `benches/table.py`; see `benches/README.md` for what each row measures.\n\n"
        + block
        + pcap_section
    )
    print(f"wrote {results.relative_to(ROOT)}")

    if args.readme:
        readme = ROOT / "README.md"
        text = readme.read_text() if readme.exists() else ""
        pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
        if not pattern.search(text):
            print(f"README.md has no {START} … {END} markers; left unchanged", file=sys.stderr)
            sys.exit(1)
        readme.write_text(pattern.sub(lambda _: f"{START}\n{block}\n{END}", text, count=1))
        print("updated README.md between the bench-table markers")


if __name__ == "__main__":
    main()
