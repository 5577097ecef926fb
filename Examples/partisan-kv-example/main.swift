// A supervised key-value store whose worker crashes on a poison key and comes back.
//
//     swift run partisan-kv-example
//
// The store is a GenServer registered as "kv" under a one_for_one supervisor. Storing the
// key "boom" crashes it; the supervisor restarts it (with fresh, empty state, as in Erlang),
// and clients that address it by name carry on.
import Partisan

/// The key-value store: the server's state is the dictionary.
struct KeyValueStore: GenServer {
    enum Call: Sendable {
        case get(String)
        case put(String, String)
    }
    typealias Reply = String?

    struct PoisonKey: Error, CustomStringConvertible {
        let key: String
        var description: String { "poison key \"\(key)\"" }
    }

    var table: [String: String] = [:]

    mutating func handleCall(_ request: Call, from: CallerRef<String?>, context: GenServerContext) async throws
        -> CallResult<String?, Never>
    {
        switch request {
        case .get(let key):
            return .reply(table[key])
        case .put(let key, _) where key == "boom":
            throw PoisonKey(key: key)
        case .put(let key, let value):
            table[key] = value
            return .reply(value)
        }
    }
}

let node = try await PartisanNode.start(name: "kv@127.0.0.1")
let (options, events) = SupervisorOptions.eventStream()
let supervisor = try await node.startSupervisor(
    SupervisorFlags(strategy: .oneForOne, intensity: 3, period: .seconds(5)),
    children: [.genServer(id: "kv", name: "kv") { KeyValueStore() }],
    options: options)
let store = node.genServer(KeyValueStore.self, named: "kv")

print("kv started as \(store.pid!)")
_ = try await store.call(.put("colour", "blue"))
print("put colour=blue; get colour -> \(try await store.call(.get("colour")) ?? "nil")")

print("put boom=1 ...")
do {
    _ = try await store.call(.put("boom", "1"))
} catch {
    print("  the call failed: \(error)")
}
// Wait for the supervisor to report the exit and the restart (no sleeping, no polling).
for await event in events {
    print("  supervisor: \(event.kind)")
    if case .childRestarted = event.kind { break }
}

print("kv is back as \(store.pid!)")
print("get colour -> \(try await store.call(.get("colour")) ?? "nil") (the state was lost with the crash)")
_ = try await store.call(.put("colour", "green"))
print("put colour=green; get colour -> \(try await store.call(.get("colour")) ?? "nil")")
print("children: \(try await supervisor.whichChildren().map { "\($0.id): \($0.status)" })")

try await supervisor.stop()
print("supervisor stopped; kv running: \(store.pid != nil)")
