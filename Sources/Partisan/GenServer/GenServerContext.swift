/// The caller of a pending call: Erlang's `From`. Reply with ``reply(_:)``, now or later,
/// from any process; a reply after the caller gave up (timed out, or exited) is dropped.
public struct CallerRef<Reply: Sendable>: Sendable, Hashable {
    /// Where the reply goes: an alias of the calling process, active only during the call.
    public let alias: Alias
    @usableFromInline let runtime: ProcessRuntime

    @usableFromInline
    init(alias: Alias, runtime: ProcessRuntime) {
        self.alias = alias
        self.runtime = runtime
    }

    /// The calling process.
    public var pid: Pid { alias.pid }

    /// Sends the reply (Erlang's `gen_server:reply/2`).
    public func reply(_ value: Reply) {
        // Sent as the replying process when there is one, so that across nodes the reply keeps
        // its order with that process's later signals (its exit, its `DOWN`), and ends the
        // call's monitor when that process is the server.
        if let replier = ProcessContext.current {
            replier.reply(value, to: alias)
        } else {
            runtime.send(CallReply(tag: alias.ref, value: value), to: alias)
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.alias == rhs.alias }
    public func hash(into hasher: inout Hasher) { hasher.combine(alias) }
}

/// Why a call failed: the cases to switch on.
public enum GenServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No answer within the timeout. A reply that comes later is dropped.
    case timeout
    /// The server did not exist (or no process had the name) when called.
    case noproc
    /// The server's node was unreachable or went down during the call.
    case noconnection
    /// The server exited during the call with this reason.
    case exit(ExitReason)
    /// The calling process itself was ended during the call.
    case callerExiting(ExitReason)
    /// The server answered with a value of another type than the call's `Reply`.
    case badReply(String)
    /// The server's node could not decode the request (Erlang's `badarg`): no type is
    /// registered there under `manifest` (see ``PartisanNode/registerMessageTypes(of:)``), or
    /// the value does not decode as the type that is. The server answers at once; its
    /// state is untouched. `manifest` comes from that node, cut to
    /// ``MessageCodec/maxReportedManifestLength`` bytes.
    case unknownRequestType(manifest: String)
    /// The caller is the server itself (by pid or by its registered name): the call could
    /// only time out, since the server answers nothing while it waits. Erlang's
    /// `calling_self`, raised at once.
    case callingSelf

    public var description: String {
        switch self {
        case .timeout: "the call timed out"
        case .noproc: "no such server"
        case .noconnection: "the server's node is unreachable"
        case .exit(let reason): "the server exited during the call: \(reason)"
        case .callerExiting(let reason): "the calling process is exiting: \(reason)"
        case .badReply(let type): "the server replied with an unexpected \(type)"
        case .unknownRequestType(let manifest): "the server's node has no request type registered as \(manifest)"
        case .callingSelf: "a server cannot call itself: it would wait for its own answer"
        }
    }
}

/// Why a server did not start.
public enum GenServerStartError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `initialize` returned `.ignore`.
    case ignored
    /// The name is taken by another process (Erlang's `{already_started, Pid}`).
    case alreadyStarted(Pid)
    /// `initialize` returned `.stop(reason)`, threw (`.crashed`), or the process died before
    /// finishing it.
    case failed(ExitReason)
    /// The name is not a valid registered name.
    case invalidName(String)

    public var description: String {
        switch self {
        case .ignored: "the server's initialize returned ignore"
        case .alreadyStarted(let pid): "a process is already registered under the name: \(pid)"
        case .failed(let reason): "the server failed to start: \(reason)"
        case .invalidName(let name): "invalid server name \"\(name)\""
        }
    }
}

/// How long a client waits: Erlang's `Timeout` (milliseconds or `infinity`).
public enum CallTimeout: Sendable, Hashable {
    /// Wait at most this long.
    case after(Duration)
    /// Wait as long as it takes.
    case infinity

    /// Wait at most `seconds` seconds.
    public static func seconds(_ seconds: Int) -> Self { .after(.seconds(seconds)) }
    /// Wait at most `milliseconds` milliseconds.
    public static func milliseconds(_ milliseconds: Int) -> Self { .after(.milliseconds(milliseconds)) }

    var duration: Duration? {
        if case .after(let duration) = self { return duration }
        return nil
    }
}
