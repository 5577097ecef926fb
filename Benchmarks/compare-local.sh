#!/usr/bin/env bash
# Runs the local (one-node) benchmarks of Erlang/OTP and of partisan-bench back to back on this
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

# Swift side: release build, every local scenario on both executors.
swift build -c release --product partisan-bench >&2
for scheduler in global partisan; do
    for scenario in local-send local-send-pairs local-pingpong spawn process-memory term-codec; do
        .build/release/partisan-bench "$scenario" --scheduler "$scheduler" 2>/dev/null
    done
done > "$out.swift.jsonl"
echo "wrote $out.erlang.txt and $out.swift.jsonl"
