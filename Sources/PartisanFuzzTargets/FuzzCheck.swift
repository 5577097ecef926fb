/// Checks a property a fuzz target must keep; traps with `message` when it does not hold, so
/// that libFuzzer saves the input as a crash.
///
/// Fuzzing code only: the library's own code never traps on input from outside.
func fuzzCheck(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID,
    line: UInt = #line
) {
    if !condition() { fuzzFailure(message(), file: file, line: line) }
}

/// Traps with `message`: a property of a fuzz target does not hold.
func fuzzFailure(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError("fuzz property failed: \(message)", file: file, line: line)
}
