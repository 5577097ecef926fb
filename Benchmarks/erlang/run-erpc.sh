#!/usr/bin/env bash
# Runs the Erlang counterparts of partisan-bench's erpc-call, erpc-call-16 and
# remote-genserver-call on this machine (two BEAMs on 127.0.0.1):
#   bash Benchmarks/erlang/run-erpc.sh [CALLS_PER_RUN]     (default 4000)
# Uses the server code of ../shared/bench/erlang; compiles into a temporary folder. Every
# OS process it starts is stopped by its pid at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${ERLANG_BENCH:-$here/../../../shared/bench/erlang}
calls=${1:-4000}
scratch=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
    rm -rf "$scratch"
}
trap cleanup EXIT
erlc -o "$scratch" "$shared"/src/bench_srv.erl "$shared"/src/bench_remote.erl "$shared"/src/bench_util.erl \
    "$here/bench_erpc.erl"
if ! epmd -names >/dev/null 2>&1; then
    epmd -address 127.0.0.1 &
    pids+=($!)
    for _ in $(seq 1 50); do epmd -names >/dev/null 2>&1 && break; sleep 0.1; done
fi
cookie="erpc_$$_$RANDOM"
dist=(-setcookie "$cookie" -kernel inet_dist_use_interface '{127,0,0,1}' -pa "$scratch")
erl -name "erpcsrv$$@127.0.0.1" "${dist[@]}" -noshell -noinput -eval 'bench_remote:serve()' >/dev/null 2>&1 &
pids+=($!)
erl -name "erpccli$$@127.0.0.1" "${dist[@]}" -noshell -noinput \
    -eval "bench_erpc:main([\"erpcsrv$$@127.0.0.1\", \"$calls\"])" -s init stop
