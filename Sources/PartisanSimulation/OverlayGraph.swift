import PartisanDistribution

/// Who is linked to whom in a simulated overlay (``OverlaySimulator/memberGraph()``,
/// ``OverlaySimulator/connectionGraph()``), with the checks overlay invariants need.
public struct OverlayGraph: Sendable {
    /// Each node's neighbours, by node index.
    public let adjacency: [Int: [Int]]

    /// A graph of the given neighbours.
    public init(adjacency: [Int: [Int]]) {
        self.adjacency = adjacency
    }

    /// The nodes, sorted.
    public var nodes: [Int] { adjacency.keys.sorted() }

    /// Node `i`'s neighbours.
    public func neighbours(of i: Int) -> [Int] { adjacency[i] ?? [] }

    /// Whether every link goes both ways.
    public var isSymmetric: Bool {
        adjacency.allSatisfy { i, peers in peers.allSatisfy { adjacency[$0]?.contains(i) ?? false } }
    }

    /// The share of links whose reverse link exists too (1 when there are no links).
    public var symmetricShare: Double {
        var links = 0
        var symmetric = 0
        for (i, peers) in adjacency {
            for j in peers {
                links += 1
                if adjacency[j]?.contains(i) ?? false { symmetric += 1 }
            }
        }
        return links == 0 ? 1 : Double(symmetric) / Double(links)
    }

    /// Whether some node lists itself.
    public var hasSelfLoops: Bool { adjacency.contains { i, peers in peers.contains(i) } }

    /// Whether every node is reachable from every other (following links either way).
    public var isConnected: Bool {
        guard let start = adjacency.keys.min() else { return true }
        var undirected = adjacency
        for (i, peers) in adjacency { for j in peers { undirected[j, default: []].append(i) } }
        var seen: Set<Int> = [start]
        var frontier = [start]
        while let i = frontier.popLast() {
            for j in undirected[i] ?? [] where seen.insert(j).inserted { frontier.append(j) }
        }
        return seen.count == adjacency.count
    }

    /// The smallest and largest number of neighbours.
    public var degreeRange: ClosedRange<Int> {
        let degrees = adjacency.values.map(\.count)
        return (degrees.min() ?? 0)...(degrees.max() ?? 0)
    }

    /// The mean number of neighbours.
    public var meanDegree: Double {
        adjacency.isEmpty ? 0 : Double(adjacency.values.map(\.count).reduce(0, +)) / Double(adjacency.count)
    }

    /// The largest number of hops between two nodes, from a breadth-first search from each of
    /// up to `samples` nodes (all of them when there are fewer); `nil` when not connected.
    public func diameter(samples: Int = 16) -> Int? {
        let all = nodes
        guard !all.isEmpty else { return 0 }
        let step = max(1, all.count / max(1, samples))
        var longest = 0
        for start in stride(from: 0, to: all.count, by: step) {
            var distance: [Int: Int] = [all[start]: 0]
            var frontier = [all[start]]
            while !frontier.isEmpty {
                var next: [Int] = []
                for i in frontier {
                    for j in adjacency[i] ?? [] where distance[j] == nil {
                        distance[j] = distance[i]! + 1
                        next.append(j)
                    }
                }
                frontier = next
            }
            guard distance.count == all.count else { return nil }
            longest = max(longest, distance.values.max() ?? 0)
        }
        return longest
    }
}
