/// The process body of a ``GenServer``: initialise, acknowledge the start, then handle one
/// message at a time until a handler stops the server, a handler throws, or a signal ends it.
///
/// `@inlinable` so that it is specialised for each server type in the module that starts it:
/// unspecialised, a third of a cast's time went to generic metadata look-ups.
@usableFromInline
enum GenServerLoop<Server: GenServer> {
    /// What the loop does after a handler.
    @usableFromInline
    enum Next {
        case wait(ServerAction<Server.Continue>)
        case stop(ExitReason)
    }

    @inlinable
    static func run(
        _ initial: Server, name: String?, process: ProcessContext, acknowledge: InitAcknowledger
    ) async throws {
        var server = initial
        let context = GenServerContext(process: process, parent: acknowledge.parent)
        try acknowledge.register(name, process: process)
        let initResult: InitResult<Server.Continue>
        do {
            initResult = try await server.initialize(context: context)
        } catch {
            try acknowledge.failInitialization(error, process: process)
        }
        var action: ServerAction<Server.Continue>
        switch initResult.kind {
        case .ignore:
            acknowledge(.ignored, from: process)
            try process.exit(.normal)
        case .stop(let reason):
            acknowledge(.failed(reason), from: process)
            try process.exit(reason)
        case .ok(let first):
            acknowledge(.started, from: process)
            action = first
        }
        while true {
            let next: Next
            do {
                next = try await step(&server, action: action, context: context)
            } catch let error as ProcessError {
                // Killed, or an exit signal it does not trap: no terminate (Erlang's rule).
                if case .exiting = error { throw error }
                next = .stop(.crashed(ProcessCrash(error)))
            } catch {
                next = .stop(.crashed(ProcessCrash(error)))
            }
            switch next {
            case .wait(let following):
                action = following
            case .stop(let reason):
                await server.terminate(reason: reason, context: context)
                try process.exit(reason)
            }
        }
    }

    /// Waits as `action` says, then handles one message (or the continuation).
    @inlinable
    static func step(
        _ server: inout Server, action: ServerAction<Server.Continue>, context: GenServerContext
    ) async throws -> Next {
        let message: any Sendable
        switch action {
        case .continue(let value):
            return next(try await server.handleContinue(value, context: context))
        case .timeout(let duration):
            message = try await context.process.receive(timeout: duration) ?? GenServerTimeout()
        case .none, .hibernate:
            message = try await context.process.receive()
        }
        return try await dispatch(message, to: &server, context: context)
    }

    @inlinable
    static func dispatch(
        _ message: any Sendable, to server: inout Server, context: GenServerContext
    ) async throws -> Next {
        switch message {
        case let call as CallRequest:
            guard let request = call.request as? Server.Call else {
                // A request its node could not decode is answered with an error, not handled.
                if call.rejectUndecoded(from: context.process) { return .wait(.none) }
                break
            }
            let from = CallerRef<Server.Reply>(alias: call.from, runtime: context.process.runtime)
            switch try await server.handleCall(request, from: from, context: context).kind {
            case .reply(let value, let action):
                from.reply(value)
                return .wait(action)
            case .noreply(let action):
                return .wait(action)
            case .stop(let reason, let reply):
                if let reply { from.reply(reply) }
                return .stop(reason)
            }
        case let cast as CastRequest<Server.Cast>:
            return next(try await server.handleCast(cast.request, context: context))
        case let stop as GenServerStopRequest:
            return .stop(stop.reason)
        case let exit as ExitMessage where exit.from == context.parent:
            // The parent (a supervisor) is going: stop with its reason, terminate included.
            return .stop(exit.reason)
        default:
            break
        }
        return next(try await server.handleInfo(message, context: context))
    }

    @inlinable
    static func next(_ result: NoReplyResult<Server.Continue>) -> Next {
        switch result.kind {
        case .noreply(let action): .wait(action)
        case .stop(let reason): .stop(reason)
        }
    }
}
