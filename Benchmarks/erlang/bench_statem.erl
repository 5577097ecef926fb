%% The Erlang side of partisan-bench's `statem-events`: a gen_statem switch toggled by casts,
%% each state setting a one-hour state timeout (never fires), N casts then a call that
%% returns the count. Prints the median of 5 runs after a warm-up.
-module(bench_statem).
-behaviour(gen_statem).
-export([main/0, run/1]).
-export([init/1, callback_mode/0, handle_event/4]).

callback_mode() -> handle_event_function.

init([]) -> {ok, off, 0, [{state_timeout, 3600000, idle}]}.

handle_event(cast, flip, on, N) -> {next_state, off, N + 1, [{state_timeout, 3600000, idle}]};
handle_event(cast, flip, off, N) -> {next_state, on, N + 1, [{state_timeout, 3600000, idle}]};
handle_event({call, From}, count, _State, N) -> {keep_state_and_data, [{reply, From, N}]};
handle_event(_, _, _, _) -> keep_state_and_data.

%% Events per second for Count casts followed by one call.
run(Count) ->
    {ok, Pid} = gen_statem:start(?MODULE, [], []),
    T0 = erlang:monotonic_time(),
    cast_n(Pid, Count),
    Count = gen_statem:call(Pid, count, infinity),
    T1 = erlang:monotonic_time(),
    gen_statem:stop(Pid),
    Seconds = erlang:convert_time_unit(T1 - T0, native, nanosecond) / 1.0e9,
    Count / Seconds.

cast_n(_, 0) -> ok;
cast_n(Pid, N) -> gen_statem:cast(Pid, flip), cast_n(Pid, N - 1).

main() ->
    Warm = run(100000),
    %% Size runs to about one second each, as partisan-bench does.
    Count = max(1000, round(Warm)),
    Rates = lists:sort([run(Count) || _ <- lists:seq(1, 5)]),
    Median = lists:nth(3, Rates),
    io:format("statem_events median=~w unit=events/s runs=~w count=~w otp=~s~n",
              [round(Median), [round(R) || R <- Rates], Count, erlang:system_info(otp_release)]).
