/// A cast's request as it reaches the server (Erlang's `{'$gen_cast', Request}`). Generic over
/// the request so that a small request travels inline in the mailbox's existential, without a
/// heap box per cast.
@usableFromInline
package struct CastRequest<Request: Sendable>: Sendable {
    /// The request.
    @usableFromInline package let request: Request

    /// A cast of `request`.
    @usableFromInline
    package init(request: Request) { self.request = request }
}

/// A cast of any request type: what the wire writes and reads without knowing the type.
package protocol AnyCastRequest: Sendable {
    /// The request.
    var anyRequest: any Sendable { get }
}

extension CastRequest: AnyCastRequest {
    package var anyRequest: any Sendable { request }
}

/// A cast of `request` typed by the request's dynamic type (a server matches
/// `CastRequest<Server.Cast>`): passing the `any Sendable` to a generic function opens it.
package func castRequest(of request: any Sendable) -> any Sendable {
    openedCastRequest(request)
}

private func openedCastRequest<Request: Sendable>(_ request: Request) -> any Sendable {
    CastRequest(request: request)
}
