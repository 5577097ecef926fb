import Partisan

/// Waits until `condition` holds, or fails after `timeout`.
///
/// Tests wait for conditions with deadlines, never for fixed times: this returns as soon as
/// the condition holds, and the deadline is only how long a broken build may take to fail, so
/// it is generous (30 s): on a loaded 2-core machine hundreds of tests run at once. The first
/// polls come every millisecond, then less often (up to every 20 ms), so that hundreds of
/// waiting tests do not keep the machine busy polling.
public func eventually(
    timeout: Duration = .seconds(30), _ message: @autoclosure () -> String = "condition",
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    var pause = Duration.milliseconds(1)
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: pause)
        pause = min(pause * 2, .milliseconds(20))
    }
    if try await condition() { return }
    throw TimedOut(what: message(), after: timeout)
}

/// A condition a test waited for did not hold before its deadline.
public struct TimedOut: Error, CustomStringConvertible {
    /// What the test waited for.
    public let what: String
    /// How long it waited.
    public let after: Duration
    public var description: String { "timed out after \(after) waiting for \(what)" }
}
