/// A call's request as it reaches the server: the request and the alias the answer goes to
/// (Erlang's `{'$gen_call', From, Request}`). ``ProcessContext/sendCall(_:to:)`` makes one.
///
/// The alias's reference is also the reference of the monitor the caller holds on the
/// server for the call, and tags the ``CallReply``.
@usableFromInline
package struct CallRequest: Sendable {
    /// The request.
    @usableFromInline package let request: any Sendable
    /// Where the answer goes.
    @usableFromInline package let from: Alias
    /// For a call from another node whose request this node could not decode, the request's
    /// manifest (bounded, see `MessageCodec.reportedManifest`); the request is then its raw
    /// `Term`.
    @usableFromInline package let undecodedManifest: String?

    /// A request from `from`.
    package init(request: any Sendable, from: Alias, undecodedManifest: String? = nil) {
        self.request = request
        self.from = from
        self.undecodedManifest = undecodedManifest
    }
}
