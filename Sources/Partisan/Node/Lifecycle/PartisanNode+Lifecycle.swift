import Logging

/// Stopping a node: gracefully in OTP's order (``shutdown()``), or at once (``kill()``).
///
/// **Top-level processes.** The node's supervision trees are the behaviours started from the
/// node facade — ``startSupervisor(_:children:name:options:)``,
/// ``startDynamicSupervisor(_:intensity:period:name:options:)``,
/// ``startGenServer(_:name:options:)`` and ``startGenStatem(_:name:options:)`` — in the order
/// they were started, as OTP's application controller knows each application's top
/// supervisor. Their children, and processes started from inside processes, belong to those
/// trees; everything else (``spawn(_:_:)`` from the facade, processes outside any tree) is a
/// remaining process.
extension PartisanNode {
    /// Where the node is in its life: running, stopping, or stopped.
    public var phase: Phase { lifecycle.phase }

    /// Stops the node gracefully, in OTP's order (`init:stop/0`), and returns once it has
    /// stopped:
    ///
    /// 1. it stops accepting work: the listener closes and peers without a session are
    ///    refused; new top-level behaviours fail to start (``GenServerStartError/failed(_:)``
    ///    with `.shutdown`), processes spawned from the facade exit `.shutdown` before their
    ///    body runs, and remote calls are answered ``RPCError/shuttingDown``;
    /// 2. it stops its top-level processes (see above), youngest first, each with a stop
    ///    request (`shutdown`): a supervisor stops its children in reverse start order, each
    ///    within its ``Shutdown``, so every `terminate` runs; a top-level process still alive at
    ///    the deadline is killed;
    /// 3. the remaining processes get an exit signal `shutdown`, and are killed after
    ///    ``Configuration/LifecycleSettings/remainingProcessesTimeout``;
    /// 4. it waits, up to ``Configuration/LifecycleSettings/drainTimeout``, until the send
    ///    queues are written out (handed to the operating system) and every connected peer
    ///    has answered one call made behind them on the `default` channel, so the last
    ///    messages of the trees (replies, exits, `DOWN`s) have been read; then it leaves the overlay
    ///    (``leave()``: members are told and drop it) and stops gossip, failure detection and
    ///    reconnection (it waits up to the drain timeout for the members to drop it);
    /// 5. it waits again, as long, for the leave to be written out;
    /// 6. it closes every connection (peers see `noconnection` for links and monitors to
    ///    this node's processes) and kills whatever still runs.
    ///
    /// The distribution goes last, as OTP stops the user's applications before `kernel`'s
    /// `net_kernel` (and Partisan's application, started before the user's, stops after
    /// them): while the trees stop, their `terminate`s still reach other nodes. Leaving first
    /// would end those sessions at once, since members disconnect a node that leaves.
    ///
    /// The whole takes at most ``Configuration/LifecycleSettings/shutdownTimeout`` (20 seconds
    /// by default); then what remains is killed as ``kill()`` does. Idempotent and safe to call
    /// concurrently: every caller waits for the same shutdown. Membership event sequences end.
    public func shutdown() async {
        await beginShutdown().value
        await lifecycle.waitUntilStopped()
    }

    /// Starts the graceful ``shutdown()`` unless it has begun, without waiting for it.
    @discardableResult
    package func beginShutdown() -> Task<Void, Never> {
        lifecycle.beginShutdown { [self] in await runShutdown() }
    }

    /// Stops the node at once: ends every session (peers see `noconnection`), closes the
    /// listener, and kills every process (no `terminate` runs): Erlang's `erlang:halt/0`. A
    /// graceful ``shutdown()`` under way is cut short. Returns once the node has stopped.
    public func kill() async {
        let (first, graceful) = lifecycle.markKilled()
        graceful?.cancel()
        if first {
            await stopNow()
            lifecycle.markStopped()
            events.finish()
        }
        await lifecycle.waitUntilStopped()
    }

    /// Returns once the node has stopped, by ``shutdown()`` or ``kill()``.
    public func waitUntilStopped() async { await lifecycle.waitUntilStopped() }

    /// The graceful shutdown's steps; see ``shutdown()``.
    private func runShutdown() async {
        let settings = lifecycleSettings
        let deadline = ContinuousClock.now.advanced(by: settings.shutdownTimeout)
        let logger = runtime.logger
        logger.info("shutting down", metadata: ["node": "\(name)"])
        // 1. Stop accepting work.
        rpcService.refuseCalls()
        await kernel?.stopAccepting()
        // 2. The supervision trees, youngest first.
        while !Task.isCancelled, let top = lifecycle.popYoungest() {
            await stop(top, until: deadline)
        }
        // 3. The remaining processes.
        if !Task.isCancelled {
            await stopRemaining(until: min(deadline, .now.advanced(by: settings.remainingProcessesTimeout)))
        }
        // 4. Leave the overlay, with what the trees sent written out first: members close
        // their sessions with a node that leaves.
        broadcasts.stopAll()
        await drain(until: deadline)
        await awaitPeersRead(until: deadline)
        if !Task.isCancelled {
            let wait = min(lifecycleSettings.drainTimeout, max(.zero, deadline - .now))
            await membership?.leave(waitingUpTo: max(wait, membership?.configuration.gossipInterval ?? .zero))
        }
        membership?.stop()
        // 5. The send queues.
        await drain(until: deadline)
        // 6. Close and stop, unless `kill()` has taken over.
        guard !lifecycle.isKilled else { return }
        await stopNow()
        lifecycle.markStopped()
        events.finish()
        logger.info("stopped", metadata: ["node": "\(name)"])
    }

    /// Waits until the send queues are written out, for at most the drain timeout and not
    /// beyond `deadline`; logs a warning when they are not.
    private func drain(until deadline: ContinuousClock.Instant) async {
        guard !Task.isCancelled, let kernel else { return }
        let limit = min(deadline, .now.advanced(by: lifecycleSettings.drainTimeout))
        if await !kernel.drainSendQueues(until: limit) {
            runtime.logger.warning("send queues not written out in time", metadata: ["node": "\(name)"])
        }
    }

    /// Makes one remote call to every connected visible node and waits for the answers (or
    /// errors), for at most the drain timeout and not beyond `deadline`: a call travels on the
    /// `default` channel behind this node's earlier traffic, so its answer means the peer has
    /// read that traffic, before the leave (on the `membership` channel) makes it close the
    /// session. With a `default` channel of parallelism 1 (the default) that covers every
    /// process message; with more, the connection the call takes.
    private func awaitPeersRead(until deadline: ContinuousClock.Instant) async {
        guard !Task.isCancelled, kernel != nil else { return }
        let limit = min(deadline, .now.advanced(by: lifecycleSettings.drainTimeout))
        await withTaskGroup(of: Void.self) { group in
            for peer in nodes() {
                group.addTask { [self] in
                    _ = try? await erpc.call(BuiltinFunctions.info, on: peer, timeout: .after(max(.zero, limit - .now)))
                }
            }
        }
    }

    /// Stops top-level process `top` (a stop request for a behaviour, an exit signal
    /// `shutdown` otherwise), killing it if it still runs at `deadline`.
    private func stop(_ top: NodeLifecycle.TopLevel, until deadline: ContinuousClock.Instant) async {
        guard runtime.isAlive(top.pid) else { return }
        let logger = runtime.logger
        let name = name
        _ = try? await runtime.withProcess([.noCrashReport]) { stopper in
            let ref = stopper.monitor(top.pid)
            if top.isBehaviour {
                stopper.send(GenServerStopRequest(reason: .shutdown), to: top.pid)
            } else {
                stopper.exit(top.pid, .shutdown)
            }
            let down = try await stopper.receive(DownMessage.self, timeout: max(.zero, deadline - .now)) {
                $0.ref == ref
            }
            if down == nil {
                logger.warning(
                    "killed a supervision tree that did not stop before the shutdown deadline",
                    metadata: ["node": "\(name)", "pid": "\(top.pid)"])
                stopper.exit(top.pid, .kill)
                _ = try await stopper.receive(DownMessage.self) { $0.ref == ref }
            }
        }
    }

    /// Sends every process but the RPC server (stopped by the node itself) an exit signal
    /// `shutdown`, and kills those still alive at `deadline`.
    private func stopRemaining(until deadline: ContinuousClock.Instant) async {
        rpcService.stopServer()
        guard runtime.processCount > 0 else { return }
        _ = try? await runtime.withProcess([.noCrashReport]) { stopper in
            var pending: [Ref: Pid] = [:]
            for pid in stopper.runtime.processes where pid != stopper.pid {
                pending[stopper.monitor(pid)] = pid
                stopper.exit(pid, .shutdown)
            }
            while !pending.isEmpty {
                let down = try await stopper.receive(DownMessage.self, timeout: max(.zero, deadline - .now)) {
                    pending[$0.ref] != nil
                }
                guard let down else { break }
                pending[down.ref] = nil
            }
            for pid in pending.values { stopper.exit(pid, .kill) }
        }
    }

    /// What ``kill()`` does: end every session, close the listener, kill every process.
    private func stopNow() async {
        metricsSampler?.cancel()
        broadcasts.stopAll()
        membership?.stop()
        await kernel?.shutdown()
        runtime.halt()
    }

    /// Records a behaviour started from the facade as a top-level process.
    @usableFromInline
    func recordTopLevel(_ pid: Pid?, isBehaviour: Bool = true) {
        guard let pid else { return }
        lifecycle.record(pid, isBehaviour: isBehaviour) { [runtime] in runtime.isAlive($0) }
    }
}

extension PartisanNode {
    /// Whether the node takes new top-level processes: `false` once ``shutdown()`` or
    /// ``kill()`` has begun.
    @usableFromInline
    var acceptsNewWork: Bool { lifecycle.isRunning }
}
