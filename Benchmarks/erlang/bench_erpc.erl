%% Erlang counterparts of partisan-bench's erpc-call, erpc-call-16 and
%% remote-genserver-call: run on a client node against a server node running
%% bench_remote:serve/0 (../shared/bench/erlang). See run-erpc.sh.
-module(bench_erpc).
-export([main/1]).

-define(REPS, 5).

main([BStr, NStr]) ->
    B = list_to_atom(BStr),
    N = list_to_integer(NStr),
    logger:set_primary_config(level, critical),
    wait(B, 200),
    io:format("otp ~s, ~p schedulers~n",
              [erlang:system_info(otp_release), erlang:system_info(schedulers_online)]),
    Erpc = fun() -> B = erpc:call(B, erlang, node, []) end,
    GenCall = fun() -> pong = gen_server:call({bench_srv, B}, ping) end,
    measure("erpc-call", 1, N, Erpc),
    measure("erpc-call-16", 16, N div 4, Erpc),
    measure("remote-genserver-call", 1, N, GenCall),
    ok.

wait(B, 0) -> error({no_server, B});
wait(B, I) ->
    case net_kernel:connect_node(B) andalso is_pid(catch erpc:call(B, erlang, whereis, [bench_srv])) of
        true -> ok;
        false -> timer:sleep(50), wait(B, I - 1)
    end.

%% One warm-up and ?REPS measured repetitions; each: Callers processes making
%% N timed calls each. Prints the medians over repetitions of p50, p99 and calls/s.
measure(Name, Callers, N, Call) ->
    Runs = [run(Callers, N, Call) || _ <- lists:seq(0, ?REPS)],
    [_Warm | Measured] = Runs,
    Med = fun(I) -> median([element(I, R) || R <- Measured]) end,
    io:format("~s: p50 ~.1f us, p99 ~.1f us, ~p calls/s (callers ~p, ~p calls each, ~p runs)~n",
              [Name, Med(1), Med(2), round(Med(3)), Callers, N, ?REPS]).

run(Callers, N, Call) ->
    Self = self(),
    T0 = erlang:monotonic_time(nanosecond),
    Pids = [spawn_link(fun() -> Self ! {self(), timed(N, Call, [])} end) || _ <- lists:seq(1, Callers)],
    Samples = lists:append([receive {P, S} -> S end || P <- Pids]),
    Seconds = (erlang:monotonic_time(nanosecond) - T0) / 1.0e9,
    Sorted = list_to_tuple(lists:sort(Samples)),
    {pct(Sorted, 50), pct(Sorted, 99), length(Samples) / Seconds}.

timed(0, _Call, Acc) -> Acc;
timed(I, Call, Acc) ->
    T0 = erlang:monotonic_time(nanosecond),
    Call(),
    timed(I - 1, Call, [(erlang:monotonic_time(nanosecond) - T0) / 1000 | Acc]).

pct(T, P) -> element(max(1, min(tuple_size(T), ceil(P / 100 * tuple_size(T)))), T).

median(L) -> lists:nth((length(L) + 1) div 2, lists:sort(L)).
