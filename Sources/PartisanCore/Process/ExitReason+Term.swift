/// The term form of exit reasons, for signals and `DOWN`s that cross nodes.
///
/// | Swift | Erlang term |
/// |---|---|
/// | `.normal`, `.kill`, `.killed`, `.shutdown`, `.noproc`, `.noconnection` | the atom of that name |
/// | `.shutdownWith(t)` | `{shutdown, T}` |
/// | `.crashed(c)` | `{error, TypeName, Message}` (both UTF-8 binaries) |
/// | `.other(t)` | `T` itself |
///
/// Decoding is the inverse; a term of none of these shapes becomes `.other`. A crash crosses
/// nodes as its type name and description: the error value itself stays on its node.
extension ExitReason {
    /// The reason as an Erlang term.
    public var term: Term {
        switch self {
        case .normal: .atom("normal")
        case .kill: .atom("kill")
        case .killed: .atom("killed")
        case .shutdown: .atom("shutdown")
        case .shutdownWith(let detail): .tuple([.atom("shutdown"), detail])
        case .noproc: .atom("noproc")
        case .noconnection: .atom("noconnection")
        case .crashed(let crash): .tuple([.atom("error"), .string(crash.typeName), .string(crash.message)])
        case .other(let term): term
        }
    }

    /// The reason a term stands for (see the table above).
    public init(term: Term) {
        switch term {
        case .atom("normal"): self = .normal
        case .atom("kill"): self = .kill
        case .atom("killed"): self = .killed
        case .atom("shutdown"): self = .shutdown
        case .atom("noproc"): self = .noproc
        case .atom("noconnection"): self = .noconnection
        case .tuple(let elements) where elements.count == 2 && elements[0] == .atom("shutdown"):
            self = .shutdownWith(elements[1])
        case .tuple(let elements) where elements.count == 3 && elements[0] == .atom("error"):
            if let typeName = elements[1].stringValue, case .binary = elements[1],
                let message = elements[2].stringValue, case .binary = elements[2]
            {
                self = .crashed(ProcessCrash(typeName: typeName, message: message))
            } else {
                self = .other(term)
            }
        default: self = .other(term)
        }
    }
}
