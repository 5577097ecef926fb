/// A call as it travels to the server: the request and where the answer goes.
struct GenServerCall: Sendable {
    let request: any Sendable
    let from: Alias
}

/// A cast as it travels to the server.
struct GenServerCast: Sendable {
    let request: any Sendable
}

/// A call's answer, tagged with the call's alias.
struct GenServerReply: Sendable {
    let tag: Ref
    let value: any Sendable
}

/// ``GenServerRef/stop(_:timeout:)``'s request: stop with `reason` (terminate runs).
struct GenServerStopRequest: Sendable {
    let reason: ExitReason
}
