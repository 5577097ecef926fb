extension Term {
    /// The atom's name, or `nil` if this is not an atom.
    public var atomValue: String? {
        if case .atom(let name) = self { return name }
        return nil
    }

    /// The integer as an `Int`, or `nil` if this is not an integer or it does not fit.
    public var intValue: Int? {
        switch self {
        case .integer(let value): Int(exactly: value)
        case .bigInteger(let big): big.int64Value.flatMap { Int(exactly: $0) }
        default: nil
        }
    }

    /// The float, or `nil` if this is not a float.
    public var doubleValue: Double? {
        if case .float(let value) = self { return value }
        return nil
    }

    /// `true` or `false` for the atoms `true` and `false`, `nil` otherwise.
    public var boolValue: Bool? {
        switch self {
        case .atom("true"): true
        case .atom("false"): false
        default: nil
        }
    }

    /// The bytes of a binary, or `nil` if this is not a binary.
    public var binaryValue: [UInt8]? {
        if case .binary(let bytes) = self { return bytes }
        return nil
    }

    /// The text of a UTF-8 binary or of a charlist, or `nil` if this is neither (or the
    /// bytes or code points are not valid Unicode).
    public var stringValue: String? {
        switch self {
        case .binary(let bytes):
            return String(validating: bytes, as: UTF8.self)
        case .list(let elements):
            var text = ""
            for element in elements {
                guard case .integer(let code) = element, let scalar = UInt32(exactly: code).flatMap(Unicode.Scalar.init)
                else { return nil }
                text.unicodeScalars.append(scalar)
            }
            return text
        default:
            return nil
        }
    }

    /// The elements of a proper list, or `nil` if this is not a proper list.
    public var listValue: [Term]? {
        if case .list(let elements) = self { return elements }
        return nil
    }

    /// The elements of a tuple, or `nil` if this is not a tuple.
    public var tupleValue: [Term]? {
        if case .tuple(let elements) = self { return elements }
        return nil
    }

    /// The map, or `nil` if this is not a map.
    public var mapValue: [Term: Term]? {
        if case .map(let map) = self { return map }
        return nil
    }

    /// The pid, or `nil` if this is not a pid.
    public var pidValue: Pid? {
        if case .pid(let pid) = self { return pid }
        return nil
    }

    /// The reference, or `nil` if this is not a reference.
    public var refValue: Ref? {
        if case .ref(let ref) = self { return ref }
        return nil
    }
}
