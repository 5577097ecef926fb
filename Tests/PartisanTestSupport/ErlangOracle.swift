import Foundation
import PartisanCore

/// Asks a real Erlang (`erl`) what it makes of terms, to check ``ETF`` against
/// `term_to_binary/1` and `binary_to_term/1`.
///
/// One `erl -noshell` OS process answers a whole batch (starting `erl` takes about a second).
/// Tests that need it skip when ``find()`` returns `nil`; `scripts/install-erlang.sh` installs
/// Erlang on CI.
public struct ErlangOracle: Sendable {
    /// The path of the `erl` executable.
    public let erl: String

    /// One question: an Erlang expression and our encoding of the term it should evaluate to.
    public struct Question: Sendable {
        /// Erlang source of an expression (no trailing `.`), e.g. `{ok, [1,2]}` or
        /// `list_to_pid("<0.85.0>")`.
        public var source: String
        /// Our ETF bytes for the same term; empty to only ask for Erlang's bytes.
        public var ours: [UInt8]

        /// Creates a question.
        public init(source: String, ours: [UInt8]) {
            self.source = source
            self.ours = ours
        }
    }

    /// Erlang's answer to one ``Question``.
    public struct Answer: Sendable, Hashable {
        /// `term_to_binary(Term)` of the evaluated expression.
        public var termToBinary: [UInt8]
        /// Whether `binary_to_term(Ours) =:= Term`.
        public var decodesOursExactly: Bool
    }

    /// Why the oracle could not answer.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, with Erlang's output where there is some.
        public let description: String
    }

    /// The oracle for the first `erl` on `PATH`, or `nil` when Erlang is not installed.
    public static func find() -> ErlangOracle? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/erl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return ErlangOracle(erl: candidate) }
        }
        return nil
    }

    /// Whether `erl` is on `PATH`.
    public static var isAvailable: Bool { find() != nil }

    /// Evaluates every question in one `erl` process. `minorVersion` is passed to
    /// `term_to_binary/2` when set (2 gives UTF-8 atoms on OTP 25); otherwise the default
    /// `term_to_binary/1` is used. Returns one answer per question, or an error text for a
    /// question whose source Erlang could not evaluate.
    public func ask(_ questions: [Question], minorVersion: Int? = nil) async throws -> [Result<Answer, Failure>] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "erlang-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.txt")
        let output = directory.appendingPathComponent("out.txt")
        let lines = questions.map { Self.hex(Array($0.source.utf8)) + " " + Self.hex($0.ours) + "\n" }
        try Data(lines.joined().utf8).write(to: input)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: erl)
        process.arguments = ["-noshell", "-eval", Self.program(minorVersion: minorVersion), "-s", "init", "stop"]
        var environment = ProcessInfo.processInfo.environment
        environment["ORACLE_IN"] = input.path
        environment["ORACLE_OUT"] = output.path
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = stderr
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard let text = try? String(contentsOf: output, encoding: .utf8) else {
            throw Failure(description: "erl wrote no answers (exit \(process.terminationStatus)): \(log)")
        }
        let answers = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard answers.count == questions.count else {
            throw Failure(description: "erl answered \(answers.count) of \(questions.count) questions: \(log)")
        }
        return answers.map { line in
            let fields = line.split(separator: " ")
            if fields.first == "ok", fields.count == 3 {
                return .success(Answer(termToBinary: Self.unhex(fields[1]), decodesOursExactly: fields[2] == "true"))
            }
            let reason = fields.count > 1 ? String(decoding: Self.unhex(fields[1]), as: UTF8.self) : String(line)
            return .failure(Failure(description: reason))
        }
    }

    /// The Erlang program: read `SOURCEHEX OURSHEX` lines, answer `ok THEIRSHEX true|false`
    /// or `error REASONHEX` per line.
    private static func program(minorVersion: Int?) -> String {
        let options = minorVersion.map { "[{minor_version, \($0)}]" } ?? "[]"
        return """
            {ok, Bin} = file:read_file(os:getenv("ORACLE_IN")),
            Lines = binary:split(Bin, <<"\\n">>, [global, trim_all]),
            Answer = fun(Line) ->
                [SrcHex, OursHex] = binary:split(Line, <<" ">>),
                try
                    Src = unicode:characters_to_list(binary:decode_hex(SrcHex)),
                    {ok, Tokens, _} = erl_scan:string(Src ++ "."),
                    {ok, [Expr]} = erl_parse:parse_exprs(Tokens),
                    {value, T, _} = erl_eval:expr(Expr, []),
                    Theirs = case \(options) of [] -> term_to_binary(T); Opts -> term_to_binary(T, Opts) end,
                    Same = try binary_to_term(binary:decode_hex(OursHex)) =:= T catch _:_ -> false end,
                    [<<"ok ">>, binary:encode_hex(Theirs), <<" ">>, atom_to_binary(Same), <<"\\n">>]
                catch C:R ->
                    Reason = unicode:characters_to_binary(io_lib:format("~p:~p", [C, R])),
                    [<<"error ">>, binary:encode_hex(Reason), <<"\\n">>]
                end
            end,
            ok = file:write_file(os:getenv("ORACLE_OUT"), [Answer(L) || L <- Lines]).
            """
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func unhex(_ text: Substring) -> [UInt8] {
        func value(_ c: UInt8) -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            default: 0
            }
        }
        let chars = Array(text.utf8)
        return stride(from: 0, to: chars.count - 1, by: 2).map { value(chars[$0]) << 4 | value(chars[$0 + 1]) }
    }
}
