import Logging

/// A supervisor's reaction to its children's exits: restart types, strategies, intensity.
extension SupervisorServer {
    /// What the supervisor does when a restart is due.
    enum RestartOutcome {
        case carryOn
        case shutDown
    }

    mutating func handleInfo(_ message: any Sendable, context: GenServerContext) async throws
        -> NoReplyResult<Never>
    {
        let outcome: RestartOutcome
        switch message {
        case let exit as ExitMessage:
            outcome = try await childExited(exit.from, reason: exit.reason, context: context)
        case let retry as SupervisorRetry where retry.supervisor == context.pid:
            switch retry.target {
            case .fixed(let id):
                guard let index = children.firstIndex(where: { $0.spec.id == id }), children[index].restarting else {
                    return .noreply()
                }
                outcome = try await restart(childAt: index, context: context)
            case .dynamic(let spec):
                outcome = try await restartDynamic(spec, context: context)
            }
        default:
            context.process.runtime.logger.debug(
                "supervisor got an unexpected message",
                metadata: ["supervisor": "\(context.pid)", "message": "\(message)"])
            outcome = .carryOn
        }
        switch outcome {
        case .carryOn: return .noreply()
        case .shutDown: return .stop(.shutdown)
        }
    }

    /// Stops every child, youngest first (a dynamic supervisor's all at once).
    mutating func terminate(reason: ExitReason, context: GenServerContext) async {
        await terminateAll(context: context)
    }

    /// A linked process exited: if it is a child, apply its restart type and the strategy.
    /// Exits of processes that are not (or no longer) children are ignored.
    private mutating func childExited(_ pid: Pid, reason: ExitReason, context: GenServerContext) async throws
        -> RestartOutcome
    {
        switch mode {
        case .fixed:
            guard let index = children.firstIndex(where: { $0.pid == pid }) else { return .carryOn }
            let spec = children[index].spec
            children[index].pid = nil
            noteExit(id: spec.id, pid: pid, reason: reason, context: context)
            guard spec.restart.restarts(after: reason) else {
                if spec.restart == .temporary { children.remove(at: index) }
                return .carryOn
            }
            return try await restart(childAt: index, context: context)
        case .dynamic:
            guard let spec = dynamicChildren.removeValue(forKey: pid) else { return .carryOn }
            noteExit(id: spec.id, pid: pid, reason: reason, context: context)
            guard spec.restart.restarts(after: reason) else { return .carryOn }
            return try await restartDynamic(spec, context: context)
        }
    }

    private func noteExit(id: String, pid: Pid, reason: ExitReason, context: GenServerContext) {
        report(.childExited(id: id, pid: pid, reason: reason), context: context)
        if !reason.isOrderly {
            context.process.runtime.logger.error(
                "supervised child terminated",
                metadata: ["supervisor": "\(context.pid)", "child": "\(id)", "pid": "\(pid)", "reason": "\(reason)"])
        }
    }

    /// Records one restart now; `false` when that makes more than `intensity` within `period`
    /// (OTP's `add_restart`: the restart being made counts).
    private mutating func allowRestart(context: GenServerContext) -> Bool {
        let now = ContinuousClock.now
        restarts.removeAll { now - $0 > period }
        restarts.append(now)
        if restarts.count <= intensity { return true }
        report(.intensityReached(restarts: restarts.count), context: context)
        context.process.runtime.logger.error(
            "supervisor reached its maximum restart intensity; shutting down",
            metadata: ["supervisor": "\(context.pid)", "intensity": "\(intensity)", "period": "\(period)"])
        return false
    }

    /// Restarts the child at `index` (not running) and, by the strategy, its siblings.
    private mutating func restart(childAt index: Int, context: GenServerContext) async throws -> RestartOutcome {
        guard allowRestart(context: context), case .fixed(let strategy) = mode else { return .shutDown }
        let failedID = children[index].spec.id
        let group: [String]
        switch strategy {
        case .oneForOne:
            group = [failedID]
        case .oneForAll, .restForOne:
            let first = strategy == .oneForAll ? 0 : index
            // Siblings stop youngest first; temporary ones are then forgotten (never restarted).
            for sibling in (first..<children.count).reversed() where children[sibling].pid != nil {
                try await stop(childAt: sibling, context: context)
            }
            children.removeAll { $0.spec.restart == .temporary && $0.pid == nil }
            let start = strategy == .oneForAll ? 0 : children.firstIndex { $0.spec.id == failedID }!
            group = children[start...].map(\.spec.id)
        }
        for id in group {
            guard let position = children.firstIndex(where: { $0.spec.id == id }) else { continue }
            let spec = children[position].spec
            switch try await start(spec, context: context) {
            case .started(let pid):
                children[position].pid = pid
                children[position].restarting = false
                noteRestart(id: id, pid: pid, context: context)
            case .failed(let reason):
                children[position].restarting = true
                noteRestartFailure(id: id, reason: reason, context: context)
                context.process.send(SupervisorRetry(supervisor: context.pid, target: .fixed(id: id)), to: context.pid)
                return .carryOn
            }
        }
        return .carryOn
    }

    private mutating func restartDynamic(_ spec: ChildSpec, context: GenServerContext) async throws -> RestartOutcome {
        guard allowRestart(context: context) else { return .shutDown }
        switch try await start(spec, context: context) {
        case .started(let pid):
            if let pid { dynamicChildren[pid] = spec }
            noteRestart(id: spec.id, pid: pid, context: context)
        case .failed(let reason):
            noteRestartFailure(id: spec.id, reason: reason, context: context)
            context.process.send(SupervisorRetry(supervisor: context.pid, target: .dynamic(spec)), to: context.pid)
        }
        return .carryOn
    }

    private func noteRestart(id: String, pid: Pid?, context: GenServerContext) {
        report(.childRestarted(id: id, pid: pid), context: context)
        context.process.runtime.logger.notice(
            "supervisor restarted a child",
            metadata: ["supervisor": "\(context.pid)", "child": "\(id)", "pid": "\(pid.map { "\($0)" } ?? "ignored")"])
    }

    private func noteRestartFailure(id: String, reason: ExitReason, context: GenServerContext) {
        report(.restartFailed(id: id, reason: reason), context: context)
        context.process.runtime.logger.error(
            "supervisor could not restart a child; trying again",
            metadata: ["supervisor": "\(context.pid)", "child": "\(id)", "reason": "\(reason)"])
    }
}
