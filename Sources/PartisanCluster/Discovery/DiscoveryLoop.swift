import Logging
import Partisan

/// The body of ``ClusterDiscovery``'s task: ask the strategies, join what is due, sleep until
/// the next poll or retry. Owned by that one task, so its state needs no lock.
struct DiscoveryLoop {
    let node: PartisanNode
    let strategies: [any DiscoveryStrategy]
    let configuration: ClusterDiscovery.Configuration
    let logger: Logger
    private var schedule: ContactSchedule
    /// The contacts of the last round, deduplicated by address, capped.
    private var contacts: [DiscoveredContact] = []
    /// The strategies (by index) whose last round failed: their recovery is logged.
    private var failing: Set<Int> = []
    /// Whether the last round was capped, or dropped invalid contacts: logged on change only.
    private var capped = false
    private var droppedInvalid = false

    init(
        node: PartisanNode, strategies: [any DiscoveryStrategy], configuration: ClusterDiscovery.Configuration,
        logger: Logger
    ) {
        self.node = node
        self.strategies = strategies
        self.configuration = configuration
        self.logger = logger
        self.schedule = ContactSchedule(
            initialBackoff: configuration.initialBackoff, maxBackoff: configuration.maxBackoff)
    }

    mutating func run() async {
        let clock = ContinuousClock()
        var nextPoll = clock.now
        while !Task.isCancelled {
            if clock.now >= nextPoll {
                await poll()
                nextPoll = clock.now.advanced(by: configuration.pollInterval)
            }
            await joinDue()
            let retry = schedule.nextDue(among: pending().map(\.address), after: clock.now) ?? nextPoll
            let wake = max(min(nextPoll, retry), clock.now.advanced(by: .milliseconds(10)))
            do { try await Task.sleep(until: wake) } catch { return }
        }
    }

    /// Asks every strategy once and keeps the union of their answers.
    private mutating func poll() async {
        var seen: Set<ListenAddress> = []
        var merged: [DiscoveredContact] = []
        var over = false
        var invalid = false
        for (index, strategy) in strategies.enumerated() {
            guard !Task.isCancelled else { return }
            let answer = await discover(strategy)
            guard !Task.isCancelled else { return }  // stopped: not the strategy's failure
            switch answer {
            case .success(let found):
                if failing.remove(index) != nil {
                    logger.notice("discovery recovered", metadata: ["strategy": "\(strategy.name)"])
                }
                for contact in found {
                    guard Self.isValid(contact) else {
                        invalid = true
                        continue
                    }
                    guard merged.count < configuration.maxContactsPerRound else {
                        over = true
                        break
                    }
                    if seen.insert(contact.address).inserted { merged.append(contact) }
                }
            case .failure(let error):
                if failing.insert(index).inserted {
                    logger.warning(
                        "discovery failed; members stay as they are, retrying every poll",
                        metadata: ["strategy": "\(strategy.name)", "error": "\(LogText.safe(error))"])
                }
            }
        }
        if over != capped {
            capped = over
            if over {
                logger.warning(
                    "discovery found more contacts than one round takes; the rest are ignored",
                    metadata: ["limit": "\(configuration.maxContactsPerRound)"])
            }
        }
        if invalid != droppedInvalid {
            droppedInvalid = invalid
            if invalid { logger.warning("discovery dropped contacts whose host or port is invalid") }
        }
        contacts = merged
        schedule.keep(only: seen)
    }

    /// One strategy's answer, or its error, or a timeout.
    private func discover(_ strategy: any DiscoveryStrategy) async -> Result<[DiscoveredContact], any Error> {
        let timeout = configuration.discoveryTimeout
        return await withTaskGroup(of: Result<[DiscoveredContact], any Error>?.self) { group in
            group.addTask {
                do { return .success(try await strategy.discover()) } catch { return .failure(error) }
            }
            group.addTask {
                do { try await Task.sleep(for: timeout) } catch { return nil }
                return .failure(ClusterDiscoveryError.discoveryTimedOut(strategy: strategy.name, after: timeout))
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(CancellationError())
        }
    }

    /// The contacts of the last round that are neither this node nor members.
    private func pending() -> [DiscoveredContact] {
        let me = node.listenAddress
        let members = node.membership?.members() ?? []
        let names = Set(members.map(\.node))
        let addresses = Set(members.flatMap(\.listenAddresses))
        return contacts.filter { contact in
            if contact.address == me || contact.node == node.name || addresses.contains(contact.address) {
                return false
            }
            if let name = contact.node, names.contains(name) { return false }
            if let known = schedule.node(at: contact.address), names.contains(known) || known == node.name {
                return false
            }
            return true
        }
    }

    /// Joins every pending contact that is due, at most ``ClusterDiscovery/Configuration/maxConcurrentJoins``
    /// at once.
    private mutating func joinDue() async {
        let clock = ContinuousClock()
        let now = clock.now
        var due = pending().filter { schedule.isDue($0.address, at: now) }
        if let enough = configuration.enoughMembers {
            let missing = enough - node.members().count
            // Every node picks the same contacts (the first by name, else by address) among those
            // due, so partial views grow from one place instead of forming islands.
            due = missing > 0 ? Array(due.sorted { $0.sortKey < $1.sortKey }.prefix(missing)) : []
        }
        guard !due.isEmpty else { return }
        let node = self.node
        await withTaskGroup(of: (DiscoveredContact, Result<Node, any Error>).self) { group in
            var next = due.makeIterator()
            func add(_ contact: DiscoveredContact) {
                group.addTask {
                    do { return (contact, .success(try await node.join(contact.address))) } catch {
                        return (contact, .failure(error))
                    }
                }
            }
            for _ in 0..<configuration.maxConcurrentJoins {
                guard let contact = next.next() else { break }
                add(contact)
            }
            while let (contact, result) = await group.next() {
                guard !Task.isCancelled else {
                    group.cancelAll()
                    continue
                }
                record(contact, result, at: clock.now)
                if let contact = next.next() { add(contact) }
            }
        }
    }

    private mutating func record(
        _ contact: DiscoveredContact, _ result: Result<Node, any Error>, at now: ContinuousClock.Instant
    ) {
        switch result {
        case .success(let joined):
            schedule.succeeded(contact.address, node: joined, at: now)
            logger.info("discovery joined a node", metadata: ["node": "\(joined)", "address": "\(contact.address)"])
        case .failure(let error):
            let failures = schedule.failed(contact.address, at: now, jitter: Double.random(in: 0...1))
            let metadata: Logger.Metadata = [
                "address": "\(contact.address)", "error": "\(LogText.safe(error))", "failures": "\(failures)",
            ]
            if failures == 1 {
                logger.warning("discovery cannot join a contact yet; retrying with backoff", metadata: metadata)
            } else {
                logger.debug("discovery retry failed", metadata: metadata)
            }
            configuration.onJoinFailure?(contact, error)
        }
    }

    /// Whether a contact's host is a host name or an IP address and its port dialable.
    static func isValid(_ contact: DiscoveredContact) -> Bool {
        ContactAddress.isPort(contact.address.port)
            && (ContactAddress.isHostName(contact.address.host) || ContactAddress.isIPv6(contact.address.host))
    }
}

extension DiscoveredContact {
    /// The order in which ``ClusterDiscovery/Configuration/enoughMembers`` picks contacts.
    fileprivate var sortKey: String { node?.name ?? address.description }
}
