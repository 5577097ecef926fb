/// Text from outside (a file's key, an environment variable's name, a value) made safe to print
/// in an error or a listing: control and non-ASCII characters escaped, at most 80 characters.
enum PrintableText {
    /// The longest text shown; longer text is cut and marked with `…`.
    static let limit = 80

    /// `text` escaped and cut to ``limit`` characters, unquoted.
    static func escaped(_ text: some StringProtocol) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < limit else {
                result += "…"
                break
            }
            count += 1
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case " "..."~": result.unicodeScalars.append(scalar)
            default: result += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return result
    }

    /// `text` escaped and cut (``escaped(_:)``) in double quotes.
    static func quoted(_ text: some StringProtocol) -> String {
        "\"\(escaped(text))\""
    }
}
