/// The arguments of a function that takes none (encoded as an empty map).
public struct NoArguments: Codable, Sendable, Hashable {
    /// No arguments.
    public init() {}
}
