/// The body of a node's RPC server: takes call requests, starts a process per call and
/// reports calls whose process ended without answering.
///
/// The server looks a function up and starts its process; it never runs a function itself,
/// so it answers `undef`, `shutting_down` and `overloaded` at once while slow calls run. The call's process
/// sends the answer straight to the caller's alias. The server monitors each call's process:
/// one that exits abnormally before answering (killed, or linked to a process that crashed)
/// makes the server answer ``RPCError/exit(_:)``. An answer that comes after the caller gave
/// up is dropped at the caller's node, because its alias is no longer active.
enum RPCServer {
    static func run(_ ctx: ProcessContext, service: RPCService) async throws {
        /// The calls running, by the monitor of their process: where their answer goes.
        var running: [Ref: (alias: Alias, options: DeliveryOptions)?] = [:]
        while true {
            let message = try await ctx.receive()
            if let request = message as? RPCCallRequest {
                guard let handler = service.handler(named: request.function) else {
                    answer(request, .failure(.undef(request.function)), from: ctx)
                    continue
                }
                guard !service.refusesCalls else {
                    answer(request, .failure(.shuttingDown), from: ctx)
                    continue
                }
                guard running.count < service.maxConcurrentCalls else {
                    answer(request, .failure(.overloaded), from: ctx)
                    continue
                }
                let (_, ref) = ctx.spawnMonitor { call in
                    let outcome = try await handler(request.arguments)
                    answer(request, outcome, from: call)
                }
                running[ref] = request.replyTo.map { ($0, request.deliveryOptions) }
                service.setRunning(running.count)
            } else if let down = message as? DownMessage, let replyTo = running.removeValue(forKey: down.ref) {
                service.setRunning(running.count)
                if down.reason != .normal, let replyTo {
                    let answer = RPCReply(tag: replyTo.alias.ref, outcome: .failure(.exit(down.reason)))
                    ctx.send(answer, to: replyTo.alias, options: replyTo.options)
                }
            }
            // Anything else is dropped, so the mailbox cannot fill up.
        }
    }

    private static func answer(_ request: RPCCallRequest, _ outcome: RPCOutcome, from ctx: ProcessContext) {
        guard let replyTo = request.replyTo else { return }
        ctx.send(RPCReply(tag: replyTo.ref, outcome: outcome), to: replyTo, options: request.deliveryOptions)
    }
}
