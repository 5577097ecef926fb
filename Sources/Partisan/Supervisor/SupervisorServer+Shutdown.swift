import Logging

/// Stopping children, as OTP's `supervisor:shutdown/2` does: monitor the child, send it
/// `shutdown` (or `kill`), wait for its `DOWN` within the child's ``Shutdown``, kill it if the
/// time runs out, then unlink and drop the `EXIT` its link left, so a stop never looks like a
/// crash to the restart logic.
extension SupervisorServer {
    /// Stops the child at `index` if it runs; its spec stays.
    mutating func stop(childAt index: Int, context: GenServerContext) async throws(ProcessError) {
        children[index].restarting = false
        guard let pid = children[index].pid else { return }
        children[index].pid = nil
        try await stop(pid, spec: children[index].spec, context: context)
    }

    /// Stops child `pid` and reports how it went.
    func stop(_ pid: Pid, spec: ChildSpec, context: GenServerContext) async throws(ProcessError) {
        let ref = context.process.monitor(pid)
        let down: ExitReason
        switch spec.shutdown {
        case .brutalKill:
            context.process.exit(pid, .kill)
            down = try await waitDown(ref, context: context)
        case .infinity:
            context.process.exit(pid, .shutdown)
            down = try await waitDown(ref, context: context)
        case .timeout(let limit):
            context.process.exit(pid, .shutdown)
            let inTime = try await context.process.receive(DownMessage.self, timeout: limit) { $0.ref == ref }
            if let inTime {
                down = inTime.reason
            } else {
                context.process.exit(pid, .kill)
                down = try await waitDown(ref, context: context)
            }
        }
        reportStop(pid, spec: spec, reason: await unlinkFlush(pid, default: down, context: context), context: context)
    }

    /// Stops every child: a fixed supervisor's youngest first, a dynamic one's all at once.
    /// Reports each; gives up quietly if the supervisor itself is killed meanwhile.
    mutating func terminateAll(context: GenServerContext) async {
        do {
            switch mode {
            case .fixed:
                for index in children.indices.reversed() { try await stop(childAt: index, context: context) }
                children.removeAll { $0.spec.restart == .temporary }
            case .dynamic(let template):
                let stopping = dynamicChildren
                dynamicChildren = [:]
                try await stopAll(stopping, shutdown: template.shutdown, context: context)
            }
        } catch {
            return
        }
    }

    /// Stops `stopping` at once: signal all, wait for all within the shutdown time, kill the
    /// rest (OTP's asynchronous termination of `simple_one_for_one` children).
    private func stopAll(
        _ stopping: [Pid: ChildSpec], shutdown: Shutdown, context: GenServerContext
    ) async throws(ProcessError) {
        var pending: [Ref: Pid] = [:]
        for pid in stopping.keys {
            pending[context.process.monitor(pid)] = pid
            context.process.exit(pid, shutdown == .brutalKill ? .kill : .shutdown)
        }
        var reasons: [Pid: ExitReason] = [:]
        let deadline: ContinuousClock.Instant? =
            if case .timeout(let limit) = shutdown { .now + limit } else { nil }
        var killed = false
        while !pending.isEmpty {
            let isPending: (DownMessage) -> Bool = { pending[$0.ref] != nil }
            let down: DownMessage?
            if let deadline, !killed {
                down = try await context.process.receive(
                    DownMessage.self, timeout: max(.zero, deadline - .now), where: isPending)
            } else {
                down = try await context.process.receive(DownMessage.self, where: isPending)
            }
            guard let down else {
                for pid in pending.values { context.process.exit(pid, .kill) }
                killed = true
                continue
            }
            pending[down.ref] = nil
            reasons[down.pid] = down.reason
        }
        for (pid, reason) in reasons {
            let reason = await unlinkFlush(pid, default: reason, context: context)
            reportStop(pid, spec: stopping[pid]!, reason: reason, context: context)
        }
    }

    private func waitDown(_ ref: Ref, context: GenServerContext) async throws(ProcessError) -> ExitReason {
        try await context.process.receive(DownMessage.self) { $0.ref == ref }.reason
    }

    /// Removes the link and the `EXIT` it delivered; the `EXIT`'s reason is the real one when
    /// the child had already exited before it was monitored (its `DOWN` then says `noproc`).
    private func unlinkFlush(_ pid: Pid, default reason: ExitReason, context: GenServerContext) async -> ExitReason {
        context.process.unlink(pid)
        let exit = try? await context.process.receive(ExitMessage.self, timeout: .zero) { $0.from == pid }
        return exit?.reason ?? reason
    }

    /// Reports a stopped child: expected reasons are `shutdown` (`killed` for `brutalKill`),
    /// and for a child that is not permanent also `normal` and `shutdownWith`; anything else is
    /// a shutdown error (OTP's `shutdown_error` report).
    private func reportStop(_ pid: Pid, spec: ChildSpec, reason: ExitReason, context: GenServerContext) {
        let expected: Bool =
            switch reason {
            case .shutdown: true
            case .killed: spec.shutdown == .brutalKill
            case .normal, .shutdownWith: spec.restart != .permanent
            default: false
            }
        if expected {
            report(.childShutDown(id: spec.id, pid: pid), context: context)
        } else {
            report(.shutdownError(id: spec.id, pid: pid, reason: reason), context: context)
            context.process.runtime.logger.error(
                "supervised child exited with an unexpected reason while being shut down",
                metadata: [
                    "supervisor": "\(context.pid)", "child": "\(spec.id)", "pid": "\(pid)", "reason": "\(reason)",
                ])
        }
    }
}
