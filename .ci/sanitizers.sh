#!/usr/bin/env bash
# The sanitizer tier (DESIGN.md §8): ThreadSanitizer and AddressSanitizer on real hardware.
#
# miri checks every access but runs the multi-thread stress tests at reduced size
# (`cfg!(miri)`) and explores few interleavings; TSan watches full-size runs on real cores, and
# ASan checks every heap access of the whole suite at native speed.
#
#   .ci/sanitizers.sh setup   nightly + rust-src present (installs them if not), and both
#                             sanitizers demonstrably report a planted bug (the canaries in
#                             .ci/sanitizer-canaries/); non-zero exit if the tier cannot run
#   .ci/sanitizers.sh tsan    -Zsanitizer=thread on the multi-threaded tests, at full size
#   .ci/sanitizers.sh asan    -Zsanitizer=address on the `lake` + `lake-tests` suite
#
# Both build std with the sanitizer (`-Zbuild-std`), so std's own synchronisation (Arc, Mutex,
# thread join, the test harness) is instrumented and TSan sees its happens-before edges;
# `--target` keeps build scripts and proc-macros (lake-derive) uninstrumented. Each sanitizer
# has its own target dir so the builds do not invalidate each other or the normal one.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=x86_64-unknown-linux-gnu
TARGET_ROOT="${CARGO_TARGET_DIR:-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# The multi-threaded integration tests (tests/tests/*.rs). Single-threaded and proptest-heavy
# files gain nothing from TSan. `bytes_*.rs` (the byte arenas' stress tests) are picked up by
# the glob below, whatever exists when this runs.
TSAN_TESTS=(
    shared_sync_lake shared_local_lake shared_lake_cache shared_pool shared_pool_async
    threads thread_local global_lake global_lake_unit
    pool_keys_and_per_thread pool_contract derive_pool views
)

setup() {
    if ! rustup toolchain list | grep -q '^nightly'; then
        echo "sanitizers: installing a nightly toolchain"
        rustup toolchain install nightly --profile minimal || return 1
    fi
    if ! rustup component list --toolchain nightly --installed | grep -q '^rust-src'; then
        echo "sanitizers: installing rust-src for nightly (-Zbuild-std needs it)"
        rustup component add --toolchain nightly rust-src || return 1
    fi
    local dir
    dir=$(mktemp -d)
    # The canaries link against the prebuilt (uninstrumented) std, which is fine for them: the
    # planted bug is in their own, instrumented code. The test runs below use -Zbuild-std.
    canary thread race "ThreadSanitizer: data race" "$dir" || return 1
    canary address overflow "AddressSanitizer: heap-buffer-overflow" "$dir" || return 1
    rm -rf "$dir"
}

# canary SANITIZER PROGRAM EXPECTED DIR: builds the canary and requires EXPECTED in its output.
canary() {
    local sanitizer=$1 program=$2 expected=$3 dir=$4
    if ! rustc +nightly -Zsanitizer="$sanitizer" -Cunsafe-allow-abi-mismatch=sanitizer \
        --target "$TARGET" -o "$dir/$program" ".ci/sanitizer-canaries/$program.rs" \
        >"$dir/$program.build.log" 2>&1; then
        echo "sanitizers: cannot build with -Zsanitizer=$sanitizer:"
        cat "$dir/$program.build.log"
        return 1
    fi
    if "$dir/$program" >"$dir/$program.log" 2>&1 || ! grep -q "$expected" "$dir/$program.log"; then
        echo "sanitizers: -Zsanitizer=$sanitizer did not report the planted bug in $program.rs:"
        cat "$dir/$program.log"
        return 1
    fi
    echo "sanitizers: -Zsanitizer=$sanitizer reports the planted bug ($expected)"
}

# sanitized NAME CARGO-TEST-ARGS...: `cargo +nightly test` with the sanitizer on every crate
# of the target (and std).
sanitized() {
    local name=$1
    shift
    # `--cfg lake_sanitizer` lets a doc example that leaks on purpose (a `&'static mut`
    # region from `Box::leak`) skip itself, as it does under miri.
    env RUSTFLAGS="-Zsanitizer=$name" RUSTDOCFLAGS="-Zsanitizer=$name --cfg lake_sanitizer" \
        CARGO_TARGET_DIR="$TARGET_ROOT/${name:0:1}san" \
        cargo +nightly test -Zbuild-std --target "$TARGET" --no-fail-fast "$@"
}

tsan() {
    local tests=("${TSAN_TESTS[@]}") f
    for f in tests/tests/bytes_*.rs; do
        [ -e "$f" ] && tests+=("$(basename "$f" .rs)")
    done
    local args=()
    for f in "${tests[@]}"; do args+=(--test "$f"); done
    echo "tsan: ${tests[*]}"
    # global_lake checks that impossible requests return null: the sanitizer's allocator must
    # return null too instead of aborting. The suppressions file names each accepted report.
    export TSAN_OPTIONS="allocator_may_return_null=1 suppressions=$PWD/.ci/tsan.supp ${TSAN_OPTIONS:-}"
    local status=0
    sanitized thread -p lake-tests --features lake/async "${args[@]}" || status=1
    # lake's own multi-threaded unit tests (SharedPool's async waiters and the shared lakes).
    sanitized thread -p lake --features async --lib shared || status=1
    return $status
}

asan() {
    # As for TSan: impossible requests must come back null, not abort.
    export ASAN_OPTIONS="allocator_may_return_null=1 ${ASAN_OPTIONS:-}"
    sanitized address -p lake -p lake-tests --features lake/async
}

case "${1:-}" in
setup) setup ;;
tsan) tsan ;;
asan) asan ;;
*)
    echo "usage: $0 setup|tsan|asan" >&2
    exit 2
    ;;
esac
