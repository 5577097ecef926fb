/// Timers that deliver a message later: Erlang's `erlang:send_after/3` and `cancel_timer/1`.
///
/// The message is sent by the runtime's timer thread when the time comes, as an ordinary send
/// to the target (dropped if the target has exited). Cancelling a timer that already fired
/// returns `false`; the message may then already be queued, so users that must ignore late
/// messages tag them (the behaviours tag theirs with a generation).
extension ProcessContext {
    /// Sends `message` to `pid` after `delay`; returns the timer to cancel it with.
    @discardableResult
    public func sendAfter(_ delay: Duration, _ message: any Sendable, to pid: Pid) -> ProcessTimer {
        let runtime = self.runtime
        let timer = TimerService.shared.schedule(at: MonotonicClock.deadline(after: delay)) {
            runtime.send(message, to: pid)
        }
        return ProcessTimer(timer: timer)
    }

    /// Cancels `timer`; returns `false` if it already fired or was cancelled.
    @discardableResult
    public func cancelTimer(_ timer: ProcessTimer) -> Bool {
        TimerService.shared.cancel(timer.timer)
    }
}

/// A pending ``ProcessContext/sendAfter(_:_:to:)``: Erlang's `TimerRef`.
public struct ProcessTimer: Sendable, Hashable {
    let timer: TimerService.Timer

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.timer === rhs.timer }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(timer)) }
}
