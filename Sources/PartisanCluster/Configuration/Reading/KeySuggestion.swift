/// The valid name nearest to a misspelt one, for "did you mean" in errors: the same name in
/// another case, the key whose last part it is (`gossipInterval` for
/// `membership.gossipInterval`), or one within a few edits of the name or of one of its tails
/// (`GOSIP_INTERVAL` for `MEMBERSHIP_GOSSIP_INTERVAL`).
enum KeySuggestion {
    /// The longest name compared; longer names get no suggestion (the edit distance is
    /// quadratic).
    static let maximumLength = 100

    /// The name of `candidates` nearest to `name`, or `nil` when none is near.
    static func nearest(to name: String, among candidates: [String]) -> String? {
        guard name.utf8.count <= maximumLength else { return nil }
        let lowered = name.lowercased()
        if let match = candidates.first(where: { $0.lowercased() == lowered }) { return match }
        if let match = candidates.first(where: { $0.lowercased().hasSuffix("." + lowered) }) { return match }
        if let match = candidates.first(where: { $0.lowercased().hasPrefix(lowered + ".") }) { return match }
        let word = Array(lowered.unicodeScalars)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let whole = Array(candidate.lowercased().unicodeScalars)
            var distance = editDistance(word, whole)
            for (index, scalar) in whole.enumerated() where scalar == "." || scalar == "_" {
                distance = min(distance, editDistance(word, Array(whole[(index + 1)...])))
            }
            if distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        guard let best, best.distance <= max(2, word.count / 4) else { return nil }
        return best.name
    }

    /// Levenshtein distance.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
