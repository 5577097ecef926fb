/// One process as `partisan.processes` lists it.
public struct ProcessSummary: Codable, Sendable, Hashable {
    /// The pid, as text.
    public var pid: String
    /// The name it is registered under, if any.
    public var registeredName: String?
    /// How many messages wait in its mailbox.
    public var mailboxLength: Int
}
