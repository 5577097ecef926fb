#!/usr/bin/env bash
# Runs the one-node benchmarks of Erlang/OTP and of partisan-bench back to back on this
# machine, so that Guides/Performance.md can compare them as ratios from one session.
#
#   bash Benchmarks/compare-local.sh            # writes Benchmarks/results/local-<UTC stamp>.*
#
# Needs Erlang (bash scripts/install-erlang.sh) and ../shared/bench/erlang beside the project.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=Benchmarks/results/local-$stamp
erlang_bench=../shared/bench/erlang
[ -d "$erlang_bench" ] || { echo "missing $erlang_bench" >&2; exit 1; }

# Erlang side: copied to a scratch folder so its build products stay out of both trees.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$erlang_bench/." "$scratch/"
ONLY=local OUT="$scratch/raw.log" bash "$scratch/run.sh" | grep -E '^[a-z]\.' | grep -vE 'p999|\.max' > "$out.erlang.txt"
bash Benchmarks/erlang/run-statem.sh >> "$out.erlang.txt"

# Swift side: release build; every one-node scenario on Swift's global executor, and the
# process-level ones also on ProcessScheduler.
swift build -c release --product partisan-bench >&2
bench=.build/release/partisan-bench
{
    for scenario in local-send local-send-pairs local-pingpong spawn process-memory term-codec \
        genserver-call genserver-cast supervisor-restart supervisor-restart-kill statem-events; do
        "$bench" "$scenario" --scheduler global 2>/dev/null
    done
    for scenario in local-send local-send-pairs local-pingpong spawn process-memory; do
        "$bench" "$scenario" --scheduler partisan 2>/dev/null
    done
} > "$out.swift.jsonl"
echo "wrote $out.erlang.txt and $out.swift.jsonl"
