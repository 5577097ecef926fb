/// What became of a signal handed to a ``RemoteRouter``.
package enum RouteResult: Sendable, Equatable {
    /// On its way: written, or queued behind a connection that is coming up.
    case sent
    /// No session with the node: the signal was dropped (a link or monitor then fails with
    /// `noconnection`; a transitive send was handed to the overlay instead).
    case noConnection
}
