import NIOCore
import NIOPosix

/// Keeps an event loop polling its sockets, instead of sleeping in the kernel, until a
/// deadline (``TransportConfiguration/busyWait``): while a task is queued, the loop polls
/// without blocking, so this queues one task after another until the deadline passes.
///
/// One per event loop thread, touched only by that thread.
final class LoopBusyWait: @unchecked Sendable {
    private static let perThread = ThreadSpecificVariable<LoopBusyWait>()
    private var deadline = NIODeadline.uptimeNanoseconds(0)
    private var isPolling = false

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
        busyWait.poll(loop.assumeIsolated())
    }

    private func poll(_ loop: NIOIsolatedEventLoop) {
        guard NIODeadline.now() < deadline else {
            isPolling = false
            return
        }
        loop.execute { self.poll(loop) }
    }
}
