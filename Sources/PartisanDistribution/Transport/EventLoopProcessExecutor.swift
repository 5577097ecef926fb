import NIOCore
import NIOPosix

/// Runs processes on the transport's event loops: BEAM's arrangement, where the scheduler
/// threads that run processes also do the socket I/O.
///
/// A job enqueued from one of the group's loop threads runs on that same loop, after the work
/// in hand; a job enqueued from any other thread goes to the group's next loop. So a message
/// read from a connection wakes its receiver on the thread that read it (no thread wake-up),
/// and what that process sends to a connection on the same loop is written at the end of the
/// loop's turn, again without a hand-off. On a remote call this removes four of the six
/// thread hand-offs a call makes when processes run on Swift's global executor.
///
/// The price is BEAM's without its preemption: a process that computes for a long time
/// without suspending delays the I/O of the connections on its loop (and the other processes
/// there). Give such work its own executor, or suspend now and then (`await Task.yield()`).
package final class EventLoopProcessExecutor: TaskExecutor {
    /// The executor over `MultiThreadedEventLoopGroup.singleton`, the loops transport
    /// endpoints use by default.
    package static let shared = EventLoopProcessExecutor()

    /// The loops processes run on.
    package let group: any EventLoopGroup
    /// The identities of `group`'s loops, to recognise a job enqueued from one of them.
    private let loops: Set<ObjectIdentifier>

    /// An executor over `group`'s loops.
    package init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.group = group
        self.loops = Set(group.makeIterator().map { ObjectIdentifier($0) })
    }

    /// Runs `job` on the calling loop if it is one of the group's, else on the group's next.
    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let loop: any EventLoop
        if let current = MultiThreadedEventLoopGroup.currentEventLoop, loops.contains(ObjectIdentifier(current)) {
            loop = current
        } else {
            loop = group.next()
        }
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
