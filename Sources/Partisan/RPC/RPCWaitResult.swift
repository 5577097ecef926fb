/// How a request's wait ended.
enum RPCWaitResult: Sendable {
    case answered(RPCOutcome)
    case noAnswerYet
}
