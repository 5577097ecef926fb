/// Options for starting a process.
public struct SpawnOptions: OptionSet, Sendable {
    /// The raw option bits.
    public let rawValue: Int
    /// Creates options from their raw bits.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// The process traps exits from its first instruction (no window where a linked crash
    /// kills it before it can set ``ProcessContext/trapExit``).
    public static let trapExit = SpawnOptions(rawValue: 1)
    /// The process's abnormal exits are not logged as crash reports (see
    /// ``ProcessRuntime/crashReports``): for a process whose abnormal exit is the signal it
    /// exists to give, such as one that exits `noconnection` so that its monitors learn a node
    /// went down.
    public static let noCrashReport = SpawnOptions(rawValue: 2)
}
