import Configuration
import Synchronization

/// swift-configuration's access reporter that keeps, per key, the providers' answers to its
/// last lookup: which layer gave the value (the first answer with one) or refused it (an
/// error: a value of the wrong type). The values themselves are not kept.
final class LookupRecorder: AccessReporter {
    /// A layer's answer to one lookup.
    enum Answer: Equatable {
        /// The layer at this index holds the key.
        case found(layer: Int)
        /// The layer at this index holds the key with a value of the wrong type.
        case failed(layer: Int)
        /// No layer holds the key.
        case absent
    }

    private let answers = Mutex<[String: Answer]>([:])

    func report(_ event: AccessEvent) {
        var answer = Answer.absent
        for (layer, result) in event.providerResults.enumerated() {
            switch result.result {
            case .failure:
                answer = .failed(layer: layer)
            case .success(let lookup) where lookup.value != nil:
                answer = .found(layer: layer)
            case .success:
                continue
            }
            break
        }
        let key = event.metadata.key.components.joined(separator: ".")
        answers.withLock { $0[key] = answer }
    }

    /// The answer to the last lookup of `key`.
    func answer(for key: String) -> Answer {
        answers.withLock { $0[key] } ?? .absent
    }
}
