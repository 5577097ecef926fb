/// The process the current task runs: what Erlang's `self()` relies on implicitly.
extension ProcessContext {
    /// The process whose body is running in the current task, or `nil` outside processes.
    ///
    /// Behaviours use it to make calls from inside a process with that process's mailbox,
    /// and to start a temporary process otherwise. Structured child tasks of a process
    /// (`async let`, task groups) inherit it; they must not receive from it while the body
    /// does.
    @TaskLocal public static var current: ProcessContext?
}
