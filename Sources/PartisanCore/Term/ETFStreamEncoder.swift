import Synchronization

/// Encodes an `Encodable` value straight to ETF bytes, without building a ``Term``: the fast
/// path of ``TermEncoder/encodeETF(_:)``. The bytes are the ones `ETF.encode(TermEncoder().encode(v))`
/// writes, byte for byte.
///
/// One instance serves a whole top-level value: nested values reuse it, and containers are
/// small structs naming a frame on `frames`, the stack of open containers. Codable has no
/// "container done" call, so a container is finished lazily, when a shallower container
/// writes again or its value's `encode(to:)` returns. A keyed container writes each entry as
/// `[atom key][value]` after a 5-byte map header placeholder and reorders the entries into
/// Erlang's key order when it finishes; a list writes a `LIST_EXT` placeholder and becomes
/// `NIL_EXT` or `STRING_EXT` when that is what the term would be. A keyed container made by
/// `nestedContainer(keyedBy:forKey:)` is kept unshaped until its parent finishes, because it
/// becomes a tuple or an atom when it is an enum payload (see ``TermKeyedBox/finish()``).
///
/// Whatever the stream cannot express exactly (reusing a finished container, `superEncoder`,
/// nested enum-shaped payloads, any thrown error) sets `failed` or throws; the caller then
/// encodes through the `Term` path, which is the reference behaviour, errors included.
///
/// Instances are pooled (`take`/`recycle`) so their stacks keep their capacity between
/// messages; an instance is used by one thread at a time, from `take` to `recycle`.
final class ETFStreamEncoder: Encoder, @unchecked Sendable {
    // Every access to this state comes from the single thread running `encode(to:)`, and no
    // access overlaps another (no inout escapes a method), so dynamic exclusivity checks,
    // a large share of the encoding time, are skipped.
    @exclusivity(unchecked) var bytes: [UInt8] = []
    private(set) var latin1Atoms = true
    private(set) var maxDepth = 512
    private(set) var options = ETF.EncodingOptions()
    @exclusivity(unchecked) var frames: [ETFEncodingFrame] = []
    @exclusivity(unchecked) var entries: [ETFKeyedEntry] = []
    @exclusivity(unchecked) var path: [any CodingKey] = []
    /// `frames.count` and `bytes.count` when the value being encoded began.
    @exclusivity(unchecked) var level = 0
    @exclusivity(unchecked) var valueStart = 0
    @exclusivity(unchecked) var nextFrameID = 0
    /// Natively written lists and maps enclosing the current value (they have no frame).
    @exclusivity(unchecked) var nativeDepth = 0
    /// Set when the stream cannot reproduce the `Term` path; the result is then discarded.
    @exclusivity(unchecked) var failed = false
    @exclusivity(unchecked) var scratch: [UInt8] = []
    @exclusivity(unchecked) var order: [Int] = []

    var codingPath: [any CodingKey] { path }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    private static let pool = Mutex<[ETFStreamEncoder]>([])

    /// Appends the ETF of `value` (version byte included) to `buffer`; returns `false`, with
    /// `buffer` unchanged, when the caller must use the `Term` path instead.
    static func encode<T: Encodable>(
        _ value: T, appendingTo buffer: inout [UInt8], options: ETF.EncodingOptions, versionByte: Bool = true
    ) -> Bool {
        let mark = buffer.count
        let encoder = pool.withLock { $0.popLast() } ?? ETFStreamEncoder()
        encoder.options = options
        encoder.latin1Atoms = options.atomEncoding == .latin1WhenPossible
        encoder.maxDepth = options.maxDepth
        encoder.bytes = buffer
        buffer = []
        if versionByte { encoder.bytes.append(ETF.version) }
        var ok = true
        do { try encoder.encodeValue(value) } catch { ok = false }
        ok = ok && !encoder.failed && encoder.frames.isEmpty
        buffer = encoder.bytes
        encoder.recycle()
        if ok { return true }
        buffer.removeSubrange(mark...)
        return false
    }

    /// Clears the state and returns the instance to the pool (small stacks only).
    private func recycle() {
        bytes = []
        frames.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        path.removeAll(keepingCapacity: true)
        (level, valueStart, nativeDepth, failed) = (0, 0, 0, false)
        guard scratch.capacity <= 1 << 16, entries.capacity <= 1 << 12 else { return }
        Self.pool.withLock { pool in
            if pool.count < 16 { pool.append(self) }
        }
    }

    // MARK: Values

    /// Writes one value: natively when its type has a direct form, else through its
    /// `encode(to:)` with this encoder.
    func encodeValue<T: Encodable>(_ value: T) throws {
        // The commonest leaves first: comparing metatypes is much cheaper than the cast below.
        if T.self == String.self { return try appendString(unsafeBitCast(value, to: String.self)) }
        if T.self == Int.self { return appendInt64(Int64(unsafeBitCast(value, to: Int.self))) }
        if T.self == Double.self { return try appendDouble(unsafeBitCast(value, to: Double.self)) }
        if T.self == Bool.self { return appendBool(unsafeBitCast(value, to: Bool.self)) }
        if let direct = value as? any ETFDirectEncodable {
            try direct.writeETF(to: self)
            return
        }
        let (savedLevel, savedStart) = (level, valueStart)
        level = frames.count
        valueStart = bytes.count
        defer { (level, valueStart) = (savedLevel, savedStart) }
        try value.encode(to: self)
        while frames.count > level { popFrame() }
        // A value that wrote nothing is an empty map, as in the Term path.
        if bytes.count == valueStart { appendEmptyMap() }
    }

    /// Writes `value` as the value at `key` (for the coding path of nested `encode(to:)`).
    func encodeValue<T: Encodable>(_ value: T, at key: some CodingKey) throws {
        path.append(key)
        defer { path.removeLast() }
        try encodeValue(value)
    }

    var depth: Int { frames.count + nativeDepth }

    // MARK: Encoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(ETFStreamKeyedContainer<Key>(encoder: self, frame: rootFrame(.keyed)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        ETFStreamUnkeyedContainer(encoder: self, frame: rootFrame(.unkeyed))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        ETFStreamSingleValueContainer(encoder: self, level: level, start: valueStart)
    }

    /// The current value's container of `kind`: the one it already opened (a class and its
    /// superclass share it, as in the Term path), else a new one.
    private func rootFrame(_ kind: ETFEncodingFrame.Kind) -> ETFFrameHandle {
        guard !failed else { return .invalid }
        if frames.count > level {
            guard frames[level].kind == kind else {
                failed = true
                return .invalid
            }
            while frames.count > level + 1 { popFrame() }
            return ETFFrameHandle(index: level, id: frames[level].id)
        }
        guard bytes.count == valueStart else {
            failed = true
            return .invalid
        }
        return pushFrame(kind, isPayload: false)
    }

    // MARK: Frames

    /// Opens a container whose encoding starts at the end of `bytes`.
    func pushFrame(_ kind: ETFEncodingFrame.Kind, isPayload: Bool) -> ETFFrameHandle {
        guard depth < maxDepth else {
            failed = true
            return .invalid
        }
        nextFrameID &+= 1
        let frame = ETFEncodingFrame(
            kind: kind, id: nextFrameID, start: bytes.count, firstEntry: entries.count, isPayload: isPayload)
        frames.append(frame)
        bytes.append(kind == .keyed ? ETFTag.map : ETFTag.list)
        bytes.append(contentsOf: [0, 0, 0, 0] as [UInt8])
        return ETFFrameHandle(index: frames.count - 1, id: nextFrameID)
    }

    /// Makes `handle`'s frame the innermost open one, finishing deeper frames. `false` (and
    /// `failed`) when the frame was already finished.
    func activate(_ handle: ETFFrameHandle) -> Bool {
        guard !failed, handle.index >= 0, handle.index < frames.count, frames[handle.index].id == handle.id else {
            failed = true
            return false
        }
        while frames.count > handle.index + 1 { popFrame() }
        return true
    }

    /// Starts an entry of the keyed frame `handle`: writes the key atom; the caller writes the
    /// value next. `false` when nothing may be written.
    func beginEntry(_ handle: ETFFrameHandle, key: some CodingKey) -> Bool {
        guard activate(handle) else { return false }
        let index = handle.index
        if let pending = frames[index].pending {
            finishMap(start: pending.start, firstEntry: pending.firstEntry, count: pending.count)
            entries.removeSubrange(pending.firstEntry...)
            frames[index].pending = nil
        }
        let segmentStart = bytes.count
        let name = key.stringValue
        // Non-ASCII keys compare as Swift strings in the Term path (canonical equivalence),
        // which byte order cannot reproduce: leave them to it.
        guard appendASCIIAtom(name) else {
            failed = true
            return false
        }
        if frames[index].isPayload && frames[index].keysAreIndices {
            frames[index].keysAreIndices = Self.isIndexKey(name, frames[index].count)
        }
        entries.append(ETFKeyedEntry(segmentStart: segmentStart, valueStart: bytes.count))
        frames[index].count += 1
        return true
    }

    /// Counts one element of the list frame `handle`. `false` when nothing may be written.
    func beginElement(_ handle: ETFFrameHandle) -> Bool {
        guard activate(handle) else { return false }
        frames[handle.index].count += 1
        return true
    }

    /// Whether `name` is `_<index>`, an unlabeled enum payload key.
    static func isIndexKey(_ name: String, _ index: Int) -> Bool {
        var digits = index
        var expected: [UInt8] = []
        repeat {
            expected.append(UInt8(truncatingIfNeeded: 48 + digits % 10))
            digits /= 10
        } while digits > 0
        expected.append(95)  // "_"
        return name.utf8.elementsEqual(expected.reversed())
    }
}

/// Names one frame of an ``ETFStreamEncoder``; `id` tells a reused slot from the original.
struct ETFFrameHandle {
    let index: Int
    let id: Int
    static let invalid = ETFFrameHandle(index: -1, id: -1)
}

/// An open container of an ``ETFStreamEncoder``.
struct ETFEncodingFrame {
    enum Kind { case keyed, unkeyed }
    let kind: Kind
    let id: Int
    /// Offset of the 5-byte header placeholder.
    let start: Int
    /// Entries (keyed) or elements (list) written so far, duplicates included.
    var count = 0
    /// Index of the frame's first entry in `entries` (keyed).
    let firstEntry: Int
    /// Made by a keyed container's `nestedContainer(keyedBy:forKey:)`: a possible enum payload.
    let isPayload: Bool
    /// Whether the keys so far are `_0`, `_1`, ... (payload frames only).
    var keysAreIndices = true
    /// The last entry's payload frame, finished but not yet shaped (map, tuple or atom).
    var pending: ETFPendingPayload?

    init(kind: Kind, id: Int, start: Int, firstEntry: Int, isPayload: Bool) {
        self.kind = kind
        self.id = id
        self.start = start
        self.firstEntry = firstEntry
        self.isPayload = isPayload
    }
}

/// A finished payload frame waiting for its parent to decide its shape.
struct ETFPendingPayload {
    let start: Int
    let firstEntry: Int
    let count: Int
    let tupleLike: Bool
}

/// One entry of a keyed frame: its atom key starts at `segmentStart`, its value at `valueStart`
/// and ends where the next entry (or the frame) does.
struct ETFKeyedEntry {
    let segmentStart: Int
    let valueStart: Int
}
