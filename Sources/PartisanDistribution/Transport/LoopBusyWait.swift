import NIOCore
import NIOPosix
import Synchronization

/// Keeps an event loop polling its sockets, instead of sleeping in the kernel, until a
/// deadline (``TransportConfiguration/busyWait``): while a task is queued, the loop polls
/// without blocking, so this queues one task after another until the deadline passes.
///
/// One per event loop thread, touched only by that thread.
package final class LoopBusyWait: @unchecked Sendable {
    private static let perThread = ThreadSpecificVariable<LoopBusyWait>()
    private var deadline = NIODeadline.uptimeNanoseconds(0)
    private var isPolling = false
    private static let pollingLoops = Atomic<Int>(0)

    /// How many event loops of the process are polling now (a test waits for 0: every loop
    /// back to sleeping in the kernel).
    package static var polling: Int { pollingLoops.load(ordering: .relaxed) }

    /// Keeps `loop`, the current thread's, polling for `window` from now (or longer, if an
    /// earlier call asked for longer). Does nothing for a zero window.
    static func extend(_ loop: any EventLoop, by window: Duration) {
        guard window > .zero else { return }
        let busyWait: LoopBusyWait
        if let existing = perThread.currentValue {
            busyWait = existing
        } else {
            busyWait = LoopBusyWait()
            perThread.currentValue = busyWait
        }
        busyWait.deadline = max(busyWait.deadline, .now() + TimeAmount(window))
        guard !busyWait.isPolling else { return }
        busyWait.isPolling = true
        pollingLoops.add(1, ordering: .relaxed)
        busyWait.poll(loop.assumeIsolated())
    }

    private func poll(_ loop: NIOIsolatedEventLoop) {
        guard NIODeadline.now() < deadline else {
            isPolling = false
            Self.pollingLoops.subtract(1, ordering: .relaxed)
            return
        }
        loop.execute { self.poll(loop) }
    }
}
