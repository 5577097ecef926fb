#!/bin/sh
# Installs Erlang/OTP (Debian's erlang-nox) for the interoperability tests, which compare our
# ETF encoding with erl's term_to_binary. Idempotent: does nothing when erl is on PATH.
set -eu

if command -v erl >/dev/null 2>&1; then
    echo "install-erlang: erl already installed at $(command -v erl)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-erlang: not root, skipping; install erlang-nox to run the Erlang interop tests"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-erlang: apt-get not found, skipping; install Erlang/OTP to run the Erlang interop tests"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq erlang-nox >/dev/null
echo "install-erlang: installed $(command -v erl)"
