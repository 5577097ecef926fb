/// A type that ``ETFStreamEncoder`` writes without going through its `encode(to:)`: scalars
/// (faster), and the types with a native term (`[UInt8]`, `Data`, dictionaries, `Pid`, `Ref`,
/// `Node`, `Term`), which must produce exactly what ``TermNativeEncodable`` produces.
protocol ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws
}

extension String: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { try encoder.appendString(self) }
}

extension Bool: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { encoder.appendBool(self) }
}

extension Double: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { try encoder.appendDouble(self) }
}

extension Float: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { try encoder.appendDouble(Double(self)) }
}

extension Int: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { encoder.appendInt64(Int64(self)) }
}

extension Int8: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { encoder.appendInt64(Int64(self)) }
}

extension Int16: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { encoder.appendInt64(Int64(self)) }
}

extension Int32: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { encoder.appendInt64(Int64(self)) }
}

extension Int64: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { encoder.appendInt64(self) }
}

extension UInt: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { encoder.appendUInt64(UInt64(self)) }
}

extension UInt8: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { encoder.appendInt64(Int64(self)) }
}

extension UInt16: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { encoder.appendInt64(Int64(self)) }
}

extension UInt32: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { encoder.appendInt64(Int64(self)) }
}

extension UInt64: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { encoder.appendUInt64(self) }
}

extension Term: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { try encoder.appendTerm(self) }
}

extension Pid: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { try encoder.appendTerm(.pid(self)) }
}

extension Ref: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { try encoder.appendTerm(.ref(self)) }
}

extension Node: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { try encoder.appendAtom(name) }
}

extension Optional: ETFDirectEncodable where Wrapped: Encodable {
    /// `undefined`, or the wrapped value (the `Term` path's casts unwrap optionals too).
    func writeETF(to encoder: ETFStreamEncoder) throws {
        switch self {
        case .none: encoder.appendUndefined()
        case .some(let wrapped): try encoder.encodeValue(wrapped)
        }
    }
}

extension Array: ETFDirectEncodable where Element: Encodable {
    /// `[UInt8]` is a binary; other arrays are lists, as their `encode(to:)` makes them.
    func writeETF(to encoder: ETFStreamEncoder) throws {
        if Element.self == UInt8.self {
            try withUnsafeBytes { try encoder.appendBinary($0) }
            return
        }
        guard encoder.depth < encoder.maxDepth else {
            encoder.failed = true
            return
        }
        encoder.nativeDepth += 1
        defer { encoder.nativeDepth -= 1 }
        let start = encoder.bytes.count
        encoder.bytes.append(ETFTag.list)
        encoder.appendUInt32(0)
        // Indices, not `enumerated()`: unspecialized, its tuples cost a metadata lookup each.
        for i in indices { try encoder.encodeValue(self[i], at: ETFLazyIndexKey(intValue: i)) }
        encoder.finishList(start: start, count: count)
    }
}

extension Dictionary: ETFDirectEncodable where Key: Encodable, Value: Encodable {
    /// A map whose keys are encoded like values, in Erlang's map-key order.
    func writeETF(to encoder: ETFStreamEncoder) throws {
        guard encoder.depth < encoder.maxDepth else {
            encoder.failed = true
            return
        }
        encoder.nativeDepth += 1
        defer { encoder.nativeDepth -= 1 }
        if Key.self == String.self {
            // Binary keys: byte order. Distinct strings have distinct UTF-8, so no duplicates.
            // Keys and values views iterate in the same order; no (key, value) tuples, which
            // unspecialized code would look up metadata for.
            let keys = Array(unsafeBitCast(self.keys, to: Dictionary<String, Value>.Keys.self))
            let values = Array(self.values)
            let order = keys.indices.sorted { keys[$0].utf8.lexicographicallyPrecedes(keys[$1].utf8) }
            encoder.bytes.append(ETFTag.map)
            encoder.appendUInt32(UInt32(truncatingIfNeeded: keys.count))
            for i in order {
                try encoder.appendString(keys[i])
                try encoder.encodeValue(values[i], at: TermIndexKey(stringValue: keys[i]))
            }
            return
        }
        // Other keys as the Term path makes them; keys that encode alike collapse, last wins.
        let boxer = TermEncoderImpl(codingPath: encoder.path)
        var byTerm: [Term: Value] = [:]
        byTerm.reserveCapacity(count)
        for (key, value) in self { byTerm[try boxer.box(key)] = value }
        let pairs = OrderedTerm.sortedEntries(of: byTerm)
        encoder.bytes.append(ETFTag.map)
        encoder.appendUInt32(UInt32(truncatingIfNeeded: pairs.count))
        for (key, value, _) in pairs {
            try encoder.appendTerm(key)
            try encoder.encodeValue(value, at: TermIndexKey(stringValue: key.description))
        }
    }
}
