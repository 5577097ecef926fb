/// How a behaviour's start reports failures to its caller, shared by every behaviour.
extension GenServerStartError {
    /// The start error a behaviour's failed start handshake maps to.
    @usableFromInline
    init(_ failure: BehaviourStartFailure) {
        if let callerError = failure.callerExiting, case .exiting(let reason) = callerError {
            self = .failed(reason)
            return
        }
        switch failure.ack {
        case .started, .failed: self = .failed(failure.ack.failureReason ?? .noproc)
        case .ignored: self = .ignored
        case .alreadyStarted(let holder): self = .alreadyStarted(holder)
        }
    }
}

extension InitAck {
    /// The reason of a `.failed` acknowledgement.
    @usableFromInline
    var failureReason: ExitReason? {
        if case .failed(let reason) = self { return reason }
        return nil
    }
}

extension ProcessRuntime {
    /// Runs `start` in a short-lived starter process: how behaviours start from outside any
    /// process. A starter that dies is reported as ``GenServerStartError/failed(_:)``.
    @inlinable
    func startFromOutside<Started: Sendable>(
        _ start: @escaping @Sendable (ProcessContext) async throws(GenServerStartError) -> Started
    ) async throws(GenServerStartError) -> Started {
        do {
            return try await withProcess { starter in try await start(starter) }
        } catch let error as GenServerStartError {
            throw error
        } catch {
            throw .failed((error as? ProcessError)?.exitReason ?? .crashed(ProcessCrash(error)))
        }
    }
}
