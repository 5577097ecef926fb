import DequeModule
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A work-stealing task executor for processes: one worker thread per core, each with its
/// own run queue and a *next* slot that makes a woken process run on the thread that woke it.
///
/// Why: on the default global executor, a send that wakes a parked receiver enqueues it on a
/// shared queue and often wakes a thread on another core (tens of microseconds on a VM). Here,
/// a process woken by a worker goes into that worker's next slot and runs as soon as the
/// waker suspends, on the same core and with no thread wake-up: BEAM's behaviour for
/// request/reply pairs. Other workers steal queued work, and take a next-slot job when its
/// worker has been stuck in one long job (a sender that never suspends cannot starve the
/// receiver it woke).
///
/// Contract: jobs enqueued from one of this scheduler's workers go to that worker; jobs
/// enqueued from any other thread go to a shared injection queue and wake an idle worker.
/// Idle workers spin briefly, then sleep on a condition variable; they are dedicated OS
/// threads, not cooperative ones. Workers live as long as the OS process.
public final class ProcessScheduler: TaskExecutor, @unchecked Sendable {
    /// The process-wide scheduler, one worker per core (or `PARTISAN_SCHEDULER_WORKERS`),
    /// started on first use.
    public static let shared = ProcessScheduler(workers: configuredWorkers())

    /// The scheduler new runtimes use by default: Swift's global executor (`nil`), or
    /// ``shared`` when the environment sets `PARTISAN_SCHEDULER=partisan`.
    public static var defaultForRuntimes: ProcessScheduler? {
        if let raw = getenv("PARTISAN_SCHEDULER"), String(cString: raw) == "partisan" { return shared }
        return nil
    }

    /// How long an idle worker keeps looking for work before it sleeps (nanoseconds).
    static let spinTime: UInt64 = 50_000
    /// Looks at a busy worker, with its `started` count unchanged, after which a thief takes
    /// its next-slot job.
    static let stuckLooks = 16
    /// Consecutive next-slot runs after which a worker serves its queue and the injection
    /// queue first, so two processes bouncing messages cannot starve the rest.
    static let nextSlotBudget = 32

    final class Worker: @unchecked Sendable {
        let index: Int
        let queue = Mutex(LocalQueue())
        /// Jobs in `queue`, next slot included; readable by thieves without the lock.
        let pending = Atomic<Int>(0)
        /// Jobs this worker has started.
        let started = Atomic<UInt64>(0)

        init(index: Int) { self.index = index }
    }

    struct LocalQueue {
        var next: UnownedJob?
        var jobs: Deque<UnownedJob> = []
    }

    /// What one worker thread remembers about the others while it looks for work.
    struct ThiefMemory {
        var lastStarted: [UInt64]
        var unchangedLooks: [Int]

        init(workers: Int) {
            lastStarted = Array(repeating: .max, count: workers)
            unchangedLooks = Array(repeating: 0, count: workers)
        }

        /// Records a look at `victim`; returns whether it has been stuck in one job for
        /// ``ProcessScheduler/stuckLooks`` looks.
        mutating func look(at victim: Worker) -> Bool {
            let started = victim.started.load(ordering: .relaxed)
            if lastStarted[victim.index] == started {
                unchangedLooks[victim.index] += 1
            } else {
                lastStarted[victim.index] = started
                unchangedLooks[victim.index] = 0
            }
            return unchangedLooks[victim.index] >= ProcessScheduler.stuckLooks
        }
    }

    private let workers: [Worker]
    private let injected = Mutex(Deque<UnownedJob>())
    private let injectedCount = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let spinners = Atomic<Int>(0)
    private let sleepMutex: UnsafeMutablePointer<pthread_mutex_t>
    private let sleepCondition: UnsafeMutablePointer<pthread_cond_t>

    /// Starts a scheduler with `workers` threads.
    public init(workers count: Int) {
        precondition(count > 0, "a scheduler needs at least one worker")
        workers = (0..<count).map { Worker(index: $0) }
        sleepMutex = .allocate(capacity: 1)
        pthread_mutex_init(sleepMutex, nil)
        sleepCondition = .allocate(capacity: 1)
        pthread_cond_init(sleepCondition, nil)
        for worker in workers { startThread(for: worker) }
    }

    /// The number of worker threads.
    public var workerCount: Int { workers.count }

    /// Runs `job` soon: in the calling worker's next slot if called from one of this
    /// scheduler's workers, otherwise on the injection queue.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        guard let current = WorkerThread.current, current.scheduler === self else {
            injected.withLock { $0.append(job) }
            injectedCount.add(1, ordering: .sequentiallyConsistent)
            wakeOne()
            return
        }
        let worker = current.worker
        let displaced: Bool = worker.queue.withLock { q in
            defer { q.next = job }
            guard let previous = q.next else { return false }
            q.jobs.append(previous)
            return true
        }
        worker.pending.add(1, ordering: .sequentiallyConsistent)
        // Queued work (a displaced job, or a next-slot job this worker may not get to soon)
        // needs some worker awake to take it; a spinning one will find it without a wake-up.
        _ = displaced
        if spinners.load(ordering: .sequentiallyConsistent) == 0 { wakeOne() }
    }

    private func wakeOne() {
        guard sleepers.load(ordering: .sequentiallyConsistent) > 0 else { return }
        pthread_mutex_lock(sleepMutex)
        pthread_cond_signal(sleepCondition)
        pthread_mutex_unlock(sleepMutex)
    }

    // MARK: Worker loop

    private func startThread(for worker: Worker) {
        let context = Unmanaged.passRetained(WorkerThread(scheduler: self, worker: worker))
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { raw in
                let context = Unmanaged<WorkerThread>.fromOpaque(raw!).takeRetainedValue()
                WorkerThread.setCurrent(context)
                context.scheduler.run(context.worker)
            }, context.toOpaque())
        precondition(result == 0, "could not start a scheduler thread (pthread_create: \(result))")
        pthread_detach(thread)
    }

    private func run(_ worker: Worker) -> Never {
        let executor = asUnownedTaskExecutor()
        var memory = ThiefMemory(workers: workers.count)
        var nextRuns = 0
        var ticks = 0
        while true {
            ticks &+= 1
            let fair = nextRuns >= ProcessScheduler.nextSlotBudget || ticks % 61 == 0
            if let (job, fromNext) = takeLocal(worker, fair: fair) {
                nextRuns = fromNext ? nextRuns + 1 : 0
                worker.started.add(1, ordering: .relaxed)
                job.runSynchronously(on: executor)
                continue
            }
            nextRuns = 0
            if let job = takeInjected() ?? steal(for: worker, memory: &memory) {
                worker.started.add(1, ordering: .relaxed)
                job.runSynchronously(on: executor)
                continue
            }
            idle(worker, memory: &memory)
        }
    }

    /// The worker's own next job: the next slot first, unless `fair`, when the injection
    /// queue and then the oldest queued job go first.
    private func takeLocal(_ worker: Worker, fair: Bool) -> (UnownedJob, fromNext: Bool)? {
        if fair, let job = takeInjected() { return (job, false) }
        guard worker.pending.load(ordering: .acquiring) > 0 else { return nil }
        let taken: (UnownedJob, Bool)? = worker.queue.withLock { q in
            if !fair, let job = q.next {
                q.next = nil
                return (job, true)
            }
            if let job = q.jobs.popFirst() { return (job, false) }
            guard let job = q.next else { return nil }
            q.next = nil
            return (job, true)
        }
        if taken != nil { worker.pending.subtract(1, ordering: .relaxed) }
        return taken
    }

    private func takeInjected() -> UnownedJob? {
        guard injectedCount.load(ordering: .acquiring) > 0 else { return nil }
        guard let job = injected.withLock({ $0.popFirst() }) else { return nil }
        injectedCount.subtract(1, ordering: .relaxed)
        return job
    }

    /// Takes another worker's oldest queued job, or its next-slot job if that worker has
    /// been stuck in one job for a while.
    private func steal(for thief: Worker, memory: inout ThiefMemory) -> UnownedJob? {
        for offset in 1..<max(workers.count, 1) {
            let victim = workers[(thief.index + offset) % workers.count]
            let stuck = memory.look(at: victim)
            guard victim.pending.load(ordering: .acquiring) > 0 else { continue }
            let job: UnownedJob? = victim.queue.withLock { q in
                if let job = q.jobs.popFirst() { return job }
                guard stuck, let job = q.next else { return nil }
                q.next = nil
                return job
            }
            if let job {
                victim.pending.subtract(1, ordering: .relaxed)
                return job
            }
        }
        return nil
    }

    /// Whether `worker` could find work now: its own, injected, or queued on another worker
    /// beyond that worker's next slot (or in the next slot of a stuck worker).
    private func runnableWork(for worker: Worker, memory: inout ThiefMemory) -> Bool {
        if worker.pending.load(ordering: .sequentiallyConsistent) > 0 { return true }
        if injectedCount.load(ordering: .sequentiallyConsistent) > 0 { return true }
        for victim in workers where victim !== worker {
            let stuck = memory.look(at: victim)
            let pending = victim.pending.load(ordering: .acquiring)
            if pending > 1 || (pending == 1 && stuck) { return true }
        }
        return false
    }

    private func idle(_ worker: Worker, memory: inout ThiefMemory) {
        // Spin a little: a request/reply partner usually wakes within microseconds.
        spinners.add(1, ordering: .sequentiallyConsistent)
        let spinUntil = MonotonicClock.now() &+ ProcessScheduler.spinTime
        while MonotonicClock.now() < spinUntil {
            if runnableWork(for: worker, memory: &memory) {
                spinners.subtract(1, ordering: .sequentiallyConsistent)
                return
            }
            sched_yield()
        }
        pthread_mutex_lock(sleepMutex)
        sleepers.add(1, ordering: .sequentiallyConsistent)
        spinners.subtract(1, ordering: .sequentiallyConsistent)
        if !runnableWork(for: worker, memory: &memory) {
            if workers.contains(where: { $0.pending.load(ordering: .sequentiallyConsistent) > 0 }) {
                // Work sits in a busy worker's next slot: come back to rescue it if that
                // worker stays stuck.
                var until = timespec()
                clock_gettime(CLOCK_REALTIME, &until)
                until.tv_nsec += 100_000
                if until.tv_nsec >= 1_000_000_000 {
                    until.tv_sec += 1
                    until.tv_nsec -= 1_000_000_000
                }
                pthread_cond_timedwait(sleepCondition, sleepMutex, &until)
            } else {
                pthread_cond_wait(sleepCondition, sleepMutex)
            }
        }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(sleepMutex)
    }

    static func configuredWorkers() -> Int {
        if let raw = getenv("PARTISAN_SCHEDULER_WORKERS"), let count = Int(String(cString: raw)), count > 0 {
            return count
        }
        #if canImport(Glibc)
            return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
            return 2
        #endif
    }
}

/// The worker a scheduler thread runs, reachable from that thread.
final class WorkerThread: @unchecked Sendable {
    let scheduler: ProcessScheduler
    let worker: ProcessScheduler.Worker

    init(scheduler: ProcessScheduler, worker: ProcessScheduler.Worker) {
        self.scheduler = scheduler
        self.worker = worker
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static func setCurrent(_ thread: WorkerThread) {
        pthread_setspecific(key, Unmanaged.passUnretained(thread).toOpaque())
    }

    /// The worker running on this thread, if this is a scheduler thread.
    static var current: WorkerThread? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<WorkerThread>.fromOpaque(raw).takeUnretainedValue()
    }
}
