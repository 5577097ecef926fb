import Logging

/// A running node: the process runtime of one node name, and (as the distribution layer
/// lands) its listener, connections and membership.
///
/// Nodes are objects you start, not globals: one OS process can run many (tests start several
/// side by side). The node forwards the process API of its ``runtime``.
public final class PartisanNode: Sendable {
    /// The node's process runtime.
    public let runtime: ProcessRuntime

    private init(runtime: ProcessRuntime) {
        self.runtime = runtime
    }

    /// Starts a node named `name` (`name@host`).
    ///
    /// - Parameters:
    ///   - name: the node's name.
    ///   - creation: this incarnation's number; random when `nil`.
    ///   - logger: where the node logs; a logger labelled `partisan.NAME` when `nil`.
    public static func start(name: Node, creation: UInt32? = nil, logger: Logger? = nil) async throws -> PartisanNode {
        PartisanNode(runtime: ProcessRuntime(node: name, creation: creation, logger: logger))
    }

    /// The node's name: Erlang's `node()`.
    public var name: Node { runtime.node }
}
