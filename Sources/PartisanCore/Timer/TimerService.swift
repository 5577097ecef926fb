#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One background thread that runs short callbacks at deadlines: receive timeouts and
/// `sendAfter` timers for every node in the OS process.
///
/// Timers live in a min-heap that supports removal, so a cancelled timer frees its slot at
/// once: a `GenServer.call` with a 5 s timeout that is answered in microseconds leaves nothing
/// behind. Callbacks run on the timer thread and must be short and non-blocking (they resume a
/// continuation or enqueue a message).
///
/// The thread is a dedicated OS thread, not a cooperative one, so waiting on a condition
/// variable there blocks nothing else.
final class TimerService: @unchecked Sendable {
    /// The process-wide timer thread, started on first use.
    static let shared = TimerService()

    /// A scheduled callback; `cancel` it to unschedule.
    final class Timer: @unchecked Sendable {
        fileprivate let deadline: UInt64
        fileprivate let sequence: UInt64
        fileprivate let callback: @Sendable () -> Void
        /// Position in the heap, or -1 once fired or cancelled. Guarded by the service's mutex.
        @exclusivity(unchecked) fileprivate var index: Int = -1

        fileprivate init(deadline: UInt64, sequence: UInt64, callback: @escaping @Sendable () -> Void) {
            self.deadline = deadline
            self.sequence = sequence
            self.callback = callback
        }
    }

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    // Guarded by `mutex`, so not checked for exclusive access at run time as well (the checks
    // cost more than the heap operations on a state timeout's re-arm).
    @exclusivity(unchecked) private var heap: [Timer] = []
    @exclusivity(unchecked) private var nextSequence: UInt64 = 0
    /// The deadline the timer thread sleeps until (`.max` when it waits for any timer). A new
    /// timer needs to wake it only if it is due earlier, so the common case — a call's 5 s
    /// timeout scheduled and cancelled within microseconds — costs no system call.
    @exclusivity(unchecked) private var sleepingUntil: UInt64 = .max

    private init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if canImport(Glibc)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        startThread()
    }

    /// The number of scheduled timers (for tests and diagnostics).
    var count: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return heap.count
    }

    /// Runs `callback` on the timer thread at `deadline` (monotonic nanoseconds), unless the
    /// returned timer is cancelled first.
    @discardableResult
    func schedule(at deadline: UInt64, _ callback: @escaping @Sendable () -> Void) -> Timer {
        pthread_mutex_lock(mutex)
        let timer = Timer(deadline: deadline, sequence: nextSequence, callback: callback)
        nextSequence &+= 1
        timer.index = heap.count
        heap.append(timer)
        siftUp(heap.count - 1)
        let wake = deadline < sleepingUntil
        if wake { sleepingUntil = deadline }
        pthread_mutex_unlock(mutex)
        if wake { pthread_cond_signal(condition) }
        return timer
    }

    /// Unschedules `timer`; returns `false` if it already fired or was cancelled.
    @discardableResult
    func cancel(_ timer: Timer) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard timer.index >= 0 else { return false }
        remove(at: timer.index)
        return true
    }

    private func startThread() {
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { context in
                let service = Unmanaged<TimerService>.fromOpaque(context!).takeRetainedValue()
                service.run()
                return nil
            }, box.toOpaque())
        precondition(result == 0, "could not start the timer thread (pthread_create: \(result))")
        pthread_detach(thread)
    }

    private func run() {
        pthread_mutex_lock(mutex)
        while true {
            guard let first = heap.first else {
                sleepingUntil = .max
                pthread_cond_wait(condition, mutex)
                continue
            }
            let now = MonotonicClock.now()
            if first.deadline <= now {
                remove(at: 0)
                pthread_mutex_unlock(mutex)
                first.callback()
                pthread_mutex_lock(mutex)
                continue
            }
            sleepingUntil = first.deadline
            var until = timespec(
                tv_sec: Int(first.deadline / 1_000_000_000), tv_nsec: Int(first.deadline % 1_000_000_000))
            pthread_cond_timedwait(condition, mutex, &until)
        }
    }

    // MARK: Heap (guarded by `mutex`)

    private func precedes(_ a: Timer, _ b: Timer) -> Bool {
        a.deadline != b.deadline ? a.deadline < b.deadline : a.sequence < b.sequence
    }

    private func remove(at index: Int) {
        let removed = heap[index]
        let last = heap.removeLast()
        removed.index = -1
        guard index < heap.count else { return }
        heap[index] = last
        last.index = index
        siftDown(index)
        siftUp(last.index)
    }

    private func swapAt(_ i: Int, _ j: Int) {
        heap.swapAt(i, j)
        heap[i].index = i
        heap[j].index = j
    }

    private func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(heap[child], heap[parent]) else { return }
            swapAt(child, parent)
            child = parent
        }
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count, precedes(heap[left + 1], heap[left]) { smallest = left + 1 }
            guard precedes(heap[smallest], heap[parent]) else { return }
            swapAt(smallest, parent)
            parent = smallest
        }
    }
}
