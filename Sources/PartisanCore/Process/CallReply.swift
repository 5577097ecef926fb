/// A call's answer, tagged with the call's alias reference (Erlang's `{Tag, Reply}`).
///
/// Sent by the server process to the caller's alias across nodes, it also ends the monitor
/// the call holds on that process: one frame answers the call and removes the monitor (see
/// ``RemoteSignal/reply(_:to:)``).
@usableFromInline
package struct CallReply: Sendable {
    /// The call's tag: the reference of its alias and monitor.
    @usableFromInline package let tag: Ref
    /// The answer.
    @usableFromInline package let value: any Sendable

    /// An answer to the call tagged `tag`.
    package init(tag: Ref, value: any Sendable) {
        self.tag = tag
        self.value = value
    }
}
