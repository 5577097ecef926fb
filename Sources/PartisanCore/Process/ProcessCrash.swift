/// The error that made a process crash: the thrown error itself (on the node where it was
/// thrown) and its type name and description (which also travel to other nodes).
///
/// Two crashes are equal when their type names and descriptions are equal.
public struct ProcessCrash: Hashable, Sendable, CustomStringConvertible {
    /// The thrown error, when the crash happened on this node.
    public let error: (any Error)?
    /// The Swift type name of the thrown error, such as `MyServer.Failure`.
    public let typeName: String
    /// `String(describing:)` of the thrown error.
    public let message: String

    /// Wraps a thrown error.
    public init(_ error: any Error) {
        self.error = error
        self.typeName = String(reflecting: type(of: error))
        self.message = String(describing: error)
    }

    /// Recreates a crash from its travelling parts (no local error value).
    public init(typeName: String, message: String) {
        self.error = nil
        self.typeName = typeName
        self.message = message
    }

    public var description: String { "{error, \(typeName): \(message)}" }

    public static func == (lhs: ProcessCrash, rhs: ProcessCrash) -> Bool {
        lhs.typeName == rhs.typeName && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(typeName)
        hasher.combine(message)
    }
}
