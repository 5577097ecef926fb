#!/usr/bin/env bash
# Runs distributed Erlang's remote-send, remote-call and 1 MiB benchmarks (bench_dist of
# ../shared/bench/erlang: d.remote_send_small_1x1, d.remote_call_1client, d.remote_send_1MiB)
# over plain TCP and then over inet_tls_dist (mutual TLS 1.3), two BEAMs on 127.0.0.1:
#   bash Benchmarks/erlang/run-tls-dist.sh [SCALE]     (default 0.4: counts × SCALE)
# The CA and the node certificate are made at run time with openssl in a temporary folder,
# which also holds the compiled code. Every OS process it starts is stopped by its pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${ERLANG_BENCH:-$here/../../../shared/bench/erlang}
scale=${1:-0.4}
scratch=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
    rm -rf "$scratch"
}
trap cleanup EXIT

# Certificates: one CA, one certificate for 127.0.0.1 that both nodes present. OTP 25's
# inet_tls_dist checks the host of the node name as a DNS name: 127.0.0.1 is in both forms.
(
    cd "$scratch"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
        -subj "/CN=bench CA" -keyout ca-key.pem -out ca.pem 2>/dev/null
    printf '%s\n' "basicConstraints = critical, CA:FALSE" "keyUsage = critical, digitalSignature" \
        "extendedKeyUsage = serverAuth, clientAuth" "subjectAltName = IP:127.0.0.1, DNS:127.0.0.1" > node.ext
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
        -keyout node-key.pem -out node.csr 2>/dev/null
    openssl x509 -req -in node.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 1 \
        -extfile node.ext -out node.pem 2>/dev/null
)
tls_options() { # side -> the options of one side
    printf '{%s, [{certfile, "%s/node.pem"}, {keyfile, "%s/node-key.pem"}, {cacertfile, "%s/ca.pem"}, {verify, verify_peer}, {versions, [%s]}%s]}' \
        "$1" "$scratch" "$scratch" "$scratch" "'tlsv1.3'" "$2"
}
printf '[%s,\n %s].\n' "$(tls_options server ', {fail_if_no_peer_cert, true}')" "$(tls_options client '')" \
    > "$scratch/ssl_dist.conf"

mkdir -p "$scratch/ebin"
# bench_dist's measurements are called one by one: compiled with export_all.
erlc +export_all -o "$scratch/ebin" "$shared"/src/bench_dist.erl
erlc -o "$scratch/ebin" "$shared"/src/bench_srv.erl "$shared"/src/bench_remote.erl "$shared"/src/bench_util.erl
if ! epmd -names >/dev/null 2>&1; then
    epmd -address 127.0.0.1 &
    pids+=($!)
    for _ in $(seq 1 50); do epmd -names >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "# $(erl -noshell -eval 'io:format("~s", [erlang:system_info(system_version)]), halt().' | tr -d '\n')"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
cookie="tlsdist_$$_$RANDOM"
for proto in tcp tls; do
    dist=(-setcookie "$cookie" -kernel inet_dist_use_interface '{127,0,0,1}' -pa "$scratch/ebin")
    [ "$proto" = tls ] && dist+=(-proto_dist inet_tls -ssl_dist_optfile "$scratch/ssl_dist.conf")
    erl -name "tlssrv$proto$$@127.0.0.1" "${dist[@]}" -noshell -noinput -eval 'bench_remote:serve()' \
        >/dev/null 2>&1 &
    server=$!
    pids+=("$server")
    erl -name "tlscli$proto$$@127.0.0.1" "${dist[@]}" -noshell -noinput -eval "
        B = 'tlssrv$proto$$@127.0.0.1',
        Sc = fun(N) -> max(1, round(N * $scale)) end,
        logger:set_primary_config(level, critical),
        ok = bench_dist:wait_for_server(B, 200),
        Srv = erpc:call(B, erlang, whereis, [bench_srv]),
        io:format(\"# ~s: connection ~p~n\", [\"$proto\", [P || {_, P} <- erlang:system_info(dist_ctrl)]]),
        bench_dist:send_small(B, Sc(500000), \"_$proto\"),
        bench_dist:call_1(Srv, Sc(20000), Sc(20000), \"_$proto\"),
        bench_dist:send_big(B, Sc(1024), 1 bsl 20, \"_$proto\"),
        halt()." 2>&1 | grep -E '^(RESULT|#)' 
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    echo "# load after $proto: $(cut -d' ' -f1-3 /proc/loadavg)"
done
