#!/usr/bin/env bash
# Fuzzes one decoder of the wire with libFuzzer: scripts/fuzz.sh TARGET SECONDS [LIBFUZZER FLAG...]
#
# TARGET is etf, incoming or handshake (Tests/Fuzz/README.md). Builds partisan-fuzz with
# libFuzzer and the address sanitizer, in release (or $FUZZ_CONFIGURATION=debug, quicker to
# build, slower to run) into its own scratch path (.build-fuzz or .build-fuzz-debug, or
# $FUZZ_SCRATCH), then fuzzes for SECONDS from the seed corpus in Tests/Fuzz/Corpus/TARGET,
# one process, one job. New inputs go to $FUZZ_SCRATCH/corpus/TARGET (not into git); a crash,
# leak, timeout or out-of-memory input to $FUZZ_SCRATCH/artifacts/TARGET/ and the exit status
# is non-zero. Prints the executions, their rate and the peak memory at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: scripts/fuzz.sh etf|incoming|handshake SECONDS [LIBFUZZER FLAG...]"
target=${1:?$usage}
seconds=${2:?$usage}
shift 2
case "$target" in
etf | incoming) max_len=16384 ;;
handshake) max_len=12288 ;;
*)
    echo "$usage" >&2
    exit 2
    ;;
esac

configuration=${FUZZ_CONFIGURATION:-release}
case "$configuration" in
release) scratch=${FUZZ_SCRATCH:-.build-fuzz} ;;
debug) scratch=${FUZZ_SCRATCH:-.build-fuzz-debug} ;;
*)
    echo "fuzz.sh: FUZZ_CONFIGURATION is release or debug" >&2
    exit 2
    ;;
esac
mkdir -p "$scratch"
# -parse-as-library: no Swift `main` in library modules. clang links libFuzzer's `main` with
# -fsanitize=fuzzer and SwiftPM defines one for the executable: both run libFuzzer on
# LLVMFuzzerTestOneInput (Sources/partisan-fuzz), so the linker may keep either.
flags=(-c "$configuration" --product partisan-fuzz --scratch-path "$scratch"
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DFUZZING
    -Xlinker --allow-multiple-definition)
build_start=$(date +%s)
if ! swift build "${flags[@]}" >"$scratch/build.log" 2>&1; then
    grep -E 'error|warning' "$scratch/build.log" | head -40
    echo "fuzz.sh: the fuzzer did not build (log: $scratch/build.log)" >&2
    exit 1
fi
bin="$(swift build "${flags[@]}" --show-bin-path)/partisan-fuzz"
echo "fuzz.sh: build took $(($(date +%s) - build_start)) s"

corpus="$scratch/corpus/$target"
artifacts="$scratch/artifacts/$target"
mkdir -p "$corpus" "$artifacts"
log="$scratch/fuzz-$target.log"

# The first directory receives new inputs; the seeds are read only.
set +e
# The Swift backtracer reads memory ASan flags after a trap; libFuzzer prints its own stack.
PARTISAN_FUZZ_TARGET="$target" ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}" "$bin" \
    "$corpus" "Tests/Fuzz/Corpus/$target" \
    -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" >"$log" 2>&1
status=$?
set -e

executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
elapsed=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
if [ "$status" -ne 0 ]; then
    tail -60 "$log"
    echo "fuzz.sh: $target FAILED (exit $status) after ${executions:-?} executions; input in $artifacts/"
    exit "$status"
fi
echo "fuzz.sh: $target: ${executions:-?} executions in ${elapsed:-$seconds} s (${rate:-?}/s), peak RSS ${peak:-?} MB, no crash"
