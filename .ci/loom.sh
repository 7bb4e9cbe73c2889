#!/usr/bin/env bash
# Tier 3 (DESIGN.md §8): loom models of every lock-free protocol.
#
# The models live next to the code under `#[cfg(all(test, loom))]` (today:
# lake/src/lake/shared/loom_models.rs, the SyncLake CAS bump, chunk hand-off, LocalLake slabs
# and Allocator rewinds; lake/src/lake/shared/global_loom.rs, GlobalLake's CAS bump, growth
# spin lock and slot publication, last-block free/realloc, region end vs begin and routing,
# and `owns`) and are named `loom_*`, so the `loom` filter selects exactly them.
# `--cfg loom` swaps `crate::sync` (and GlobalLake's local `atomics` module) to loom's atomics,
# mutex and leak-tracked allocation.
# A separate target dir keeps the `--cfg loom` build from invalidating the normal one.
set -euo pipefail
cd "$(dirname "$0")/.."

export RUSTFLAGS="--cfg loom -C debug-assertions=on"
export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-2}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/loom"
# `--features async`: the SharedPool waiter-queue models (lake/src/pool/shared/loom_models.rs).
exec cargo test --release -p lake --features async --lib loom
