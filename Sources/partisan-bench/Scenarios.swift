/// Every scenario `partisan-bench` knows, in the order `list` prints them.
enum Scenarios {
    static let all: [Scenario] =
        LocalScenarios.all + CodecScenarios.all + GenServerScenarios.all + SupervisorScenarios.all
        + StatemScenarios.all + RemoteScenarios.all + RPCScenarios.all + OverlayScenarios.all
}
