#!/usr/bin/env bash
# Runs the two-node benchmarks of partisan-bench and of distributed Erlang/OTP back to back
# on this machine, so that Guides/Performance.md can compare them as ratios from one session.
#
#   bash Benchmarks/compare-remote.sh                  # every remote scenario, both executions
#   SCENARIOS="remote-pingpong hol" bash Benchmarks/compare-remote.sh
#   TRANSPORTS="tcp tls" bash Benchmarks/compare-remote.sh   # also with mutual TLS (--tls)
#   BUSY_WAITS="0 100" EXECUTIONS=event-loops bash Benchmarks/compare-remote.sh
#       # also with the event loops polling 100 µs after each read (--busy-wait-us)
#
# Writes Benchmarks/results/remote-<UTC stamp>.{jsonl,stderr.log,env,erlang.log,erlang-erpc.txt}
# (the last: Benchmarks/erlang/run-erpc.sh, Erlang's erpc and by-name calls). Needs Erlang
# (bash scripts/install-erlang.sh) and ../shared/bench/erlang beside the project.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=Benchmarks/results/remote-$stamp
erlang_bench=../shared/bench/erlang
[ -d "$erlang_bench" ] || { echo "missing $erlang_bench" >&2; exit 1; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

swift build -c release --product partisan-bench >&2
bench=.build/release/partisan-bench
available=$("$bench" list)
scenarios=${SCENARIOS:-"remote-send remote-pingpong remote-pingpong-16 remote-1mib hol erpc-call erpc-call-16 remote-genserver-call"}
echo "start $(date -u) load $(load)" > "$out.env"
transports=${TRANSPORTS:-tcp}
executions=${EXECUTIONS:-"event-loops global"}
busy_waits=${BUSY_WAITS:-0}
for scenario in $scenarios; do
    grep -qx "$scenario" <<< "$available" || { echo "skip $scenario (not in this build)" >> "$out.env"; continue; }
    for transport in $transports; do
        flags=()
        [ "$transport" = tls ] && flags=(--tls)
        for execution in $executions; do
            for busy_wait in $busy_waits; do
                echo "$scenario $execution $transport busy-wait $busy_wait load before: $(load)" >> "$out.env"
                "$bench" "$scenario" --execution "$execution" --busy-wait-us "$busy_wait" "${flags[@]}" \
                    >> "$out.jsonl" 2>> "$out.stderr.log"
            done
        done
    done
done
echo "end $(date -u) load $(load)" >> "$out.env"

# Erlang side: copied to a scratch folder so its build products stay out of both trees.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$erlang_bench/." "$scratch/"
ONLY=dist OUT="$scratch/raw.log" bash "$scratch/run.sh" > "$out.erlang.log" 2>&1
ERLANG_BENCH="$scratch" bash Benchmarks/erlang/run-erpc.sh > "$out.erlang-erpc.txt" 2>&1
echo "erlang end $(date -u) load $(load)" >> "$out.env"
echo "wrote $out.*"
