/// What a behaviour's callbacks get besides the message or event: the behaviour's own process.
///
/// ``GenServerContext`` and ``GenStatemContext`` are this type under the names their callbacks
/// use.
public struct BehaviourContext: Sendable {
    /// The behaviour's process: send, monitor, link, spawn, receive helpers.
    public let process: ProcessContext
    /// The process that started the behaviour with a link (a supervisor), if any: an exit
    /// signal from it stops the behaviour with `terminate` when it traps exits.
    public let parent: Pid?

    @usableFromInline
    init(process: ProcessContext, parent: Pid?) {
        self.process = process
        self.parent = parent
    }

    /// The behaviour's pid.
    public var pid: Pid { process.pid }

    /// The node the behaviour runs on.
    public var node: Node { process.node }
}

/// What a ``GenServer``'s handlers get besides the message.
public typealias GenServerContext = BehaviourContext

/// What a ``GenStatem``'s callbacks get besides the event.
public typealias GenStatemContext = BehaviourContext
