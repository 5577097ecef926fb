import PartisanCore
import Synchronization

/// Seeded faults built on interposition: functions that drop a share of the messages to a
/// peer for a while, delay them by a distribution, or reorder them within a window. Install
/// them with ``PartisanNode/addSendInterposition(named:_:)`` (or the receive path's).
///
/// Every function a schedule makes draws from its own generator, seeded from the schedule's
/// seed and the function's place among those the schedule made, so a run that sends the same
/// messages in the same order makes the same choices. (Messages from several processes reach
/// the path in an order the scheduler picks, so across processes a seed fixes the choices,
/// not which message each falls on.)
///
/// ```swift
/// var schedule = FaultSchedule(seed: 42)
/// try node.addSendInterposition(named: "lossy", schedule.dropping(percent: 30, to: peer, for: .seconds(5)))
/// try node.addSendInterposition(named: "slow", schedule.delaying(to: peer, by: .uniform(min: .milliseconds(1), max: .milliseconds(20))))
/// ```
public struct FaultSchedule: Sendable {
    private var generator: SplitMix64

    /// A schedule whose functions draw from generators seeded by `seed`.
    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// Drops each message to `peer` (on `channel`, or on every channel when `nil`) with
    /// probability `percent`/100, for `duration` from now; later messages pass.
    public mutating func dropping(
        percent: Double, to peer: Node, channel: String? = nil, for duration: Duration
    ) -> InterpositionFunction {
        let rolls = Mutex(generator.split())
        let until = ContinuousClock.now + duration
        let share = min(max(percent, 0), 100) / 100
        return { message in
            guard message.peer == peer, channel.map({ $0 == message.channel }) ?? true, ContinuousClock.now < until
            else { return .pass }
            return rolls.withLock { Double.random(in: 0..<1, using: &$0) } < share ? .drop : .pass
        }
    }

    /// Delays each message to `peer` (every peer when `nil`; on `channel`, or every channel
    /// when `nil`) by a delay drawn from `distribution`. Delays differ, so messages overtake
    /// one another.
    public mutating func delaying(
        to peer: Node? = nil, channel: String? = nil, by distribution: DelayDistribution
    ) -> InterpositionFunction {
        let rolls = Mutex(generator.split())
        return { message in
            guard peer.map({ $0 == message.peer }) ?? true, channel.map({ $0 == message.channel }) ?? true else {
                return .pass
            }
            return .delay(rolls.withLock { distribution.draw(using: &$0) })
        }
    }

    /// Reorders the messages to `peer` (every peer when `nil`) on `channel` (every channel when
    /// `nil`) within `window`: each waits a uniform random time below `window`, so two sent
    /// less than `window` apart may arrive in either order, and none is held longer.
    public mutating func reordering(
        to peer: Node? = nil, channel: String? = nil, within window: Duration
    ) -> InterpositionFunction {
        delaying(to: peer, channel: channel, by: .uniform(min: .zero, max: window))
    }
}
