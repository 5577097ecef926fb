/// A call as it travels to the server: the request and where the answer goes.
@usableFromInline
struct GenServerCall: Sendable {
    @usableFromInline let request: any Sendable
    @usableFromInline let from: Alias
}

/// A cast as it travels to the server. Generic over the request so that a small request
/// travels inline in the mailbox's existential, without a heap box per cast.
@usableFromInline
struct GenServerCast<Request: Sendable>: Sendable {
    @usableFromInline let request: Request

    @usableFromInline
    init(request: Request) { self.request = request }
}

/// A call's answer, tagged with the call's alias.
@usableFromInline
struct GenServerReply: Sendable {
    @usableFromInline let tag: Ref
    @usableFromInline let value: any Sendable
}

/// ``GenServerRef/stop(_:timeout:)``'s request: stop with `reason` (terminate runs).
@usableFromInline
struct GenServerStopRequest: Sendable {
    @usableFromInline let reason: ExitReason
}
