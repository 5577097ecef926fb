/// A type-erased message key (partition or monotonic key).
///
/// `AnyHashable` is not `Sendable`; this wrapper is only ever built from a
/// `Hashable & Sendable` value, which makes the erased value safe to share.
struct MessageKey: Hashable, @unchecked Sendable {
    let base: AnyHashable

    init(_ key: some Hashable & Sendable) {
        self.base = AnyHashable(key)
    }
}
