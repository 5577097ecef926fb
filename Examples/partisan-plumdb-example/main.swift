// A replicated key-value map (a small PlumDB) on six nodes of a HyParView overlay.
//
//     swift run partisan-plumdb-example
//
// Six nodes in this process, on 127.0.0.1, form a HyParView overlay whose active views hold
// at most three peers, so most pairs of nodes are not connected. Each node runs the
// replicated map "plumdb": writes on three of them travel along a Plumtree broadcast tree
// over the overlay, and the example prints when every node holds every key. Exits 0 on
// success, 1 if the nodes do not agree within 20 seconds.
import Foundation
import Logging
import Partisan

let views = HyParViewConfiguration(
    activeMaxSize: 3, activeMinSize: 2, passiveMaxSize: 6, shuffleInterval: .seconds(1),
    randomPromotionInterval: .milliseconds(500))
let timings = MembershipConfiguration(gossipInterval: .milliseconds(200))
let broadcast = PlumtreeConfiguration(tickInterval: .milliseconds(100), exchangeTicks: 10)

var nodes: [PartisanNode] = []
for i in 0..<6 {
    var configuration = PartisanNode.Configuration(name: try Node(validating: "plumdb\(i)@127.0.0.1"), cookie: "plumdb")
    configuration.distribution?.overlay = .hyParView(views)
    configuration.distribution?.membership = timings
    configuration.logging.logger = Logger(label: "plumdb\(i)")
    configuration.logging.logger?.logLevel = .warning
    nodes.append(try await PartisanNode.start(configuration))
}
let maps = try nodes.map { try $0.startReplicatedMap("plumdb", configuration: broadcast) }
for node in nodes.dropFirst() { try await node.join(nodes[0].listenAddress!) }
// Let the overlay settle: every node with at least two neighbours.
let settling = ContinuousClock.now
while nodes.contains(where: { $0.members().count < 3 }), ContinuousClock.now - settling < .seconds(10) {
    try await Task.sleep(for: .milliseconds(10))
}

maps[5].onChange { key, value in print("plumdb5@127.0.0.1 sees \(key) = \(value.map { "\($0)" } ?? "deleted")") }
let start = ContinuousClock.now
maps[0].put("colour", .binary(Array("blue".utf8)))
maps[2].put("size", .integer(42))
maps[4].put("temporary", .atom("yes"))
maps[4].delete("temporary")

let expected: [String: Term] = ["colour": .binary(Array("blue".utf8)), "size": .integer(42)]
var agreed = false
while ContinuousClock.now - start < .seconds(20) {
    if maps.allSatisfy({ $0.snapshot() == expected }) {
        agreed = true
        break
    }
    try await Task.sleep(for: .milliseconds(5))
}
if agreed {
    print("every node holds \(expected.keys.sorted()) after \(ContinuousClock.now - start)")
    for node in nodes { print("  \(node.name)'s neighbours: \(node.members().filter { $0 != node.name })") }
} else {
    for (node, map) in zip(nodes, maps) { print("\(node.name): \(map.snapshot())") }
    print("the nodes did not agree within 20 s")
}
for node in nodes { await node.shutdown() }
exit(agreed ? 0 : 1)
