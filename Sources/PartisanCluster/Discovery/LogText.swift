/// Text safe to put in a log line from a value that may hold bytes from outside (an error of a
/// user's strategy, for example): printable ASCII only, at most 200 characters.
enum LogText {
    static func safe(_ value: Any) -> String {
        var text = ""
        for scalar in String(describing: value).unicodeScalars.prefix(200) {
            text.unicodeScalars.append((0x20..<0x7F).contains(scalar.value) ? scalar : "?")
        }
        return text
    }
}
