#!/usr/bin/env bash
# Runs the Erlang counterpart of partisan-bench's `statem-events` on this machine:
#   bash Benchmarks/erlang/run-statem.sh
# Compiles into a temporary folder, so no build products land in the tree.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
erlc -o "$scratch" "$here/bench_statem.erl"
erl -noshell -pa "$scratch" -eval 'bench_statem:main(), halt().'
