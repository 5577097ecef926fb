import Foundation
import PartisanFuzzTargets

#if FUZZING
    import CPartisanFuzzSupport
#endif

/// The fuzz targets of the wire's decoders (see Tests/Fuzz/README.md).
///
/// Built with `-D FUZZING -sanitize=fuzzer` (scripts/fuzz.sh), a libFuzzer binary: it hands
/// its command line to libFuzzer's driver and runs the target named by the environment
/// variable `PARTISAN_FUZZ_TARGET` on each input. In a normal build, it replays saved inputs
/// through a target and writes the seed corpus.
@main
enum PartisanFuzz {
    static let usage = """
        usage: partisan-fuzz replay TARGET PATH...  run each file (or directory) through TARGET
               partisan-fuzz seed DIRECTORY         write every target's seeds into DIRECTORY/TARGET/
               partisan-fuzz list                   name the targets and their input size limits
        targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
        """

    static func main() {
        #if FUZZING
            runLibFuzzer()
        #else
            replay(Array(CommandLine.arguments.dropFirst()))
        #endif
    }

    #if FUZZING
        /// The target chosen by the environment.
        static let target: FuzzTarget = {
            let name = ProcessInfo.processInfo.environment["PARTISAN_FUZZ_TARGET"] ?? ""
            guard let target = FuzzTarget(rawValue: name) else {
                fail("set PARTISAN_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue))", 2)
            }
            return target
        }()

        static func runLibFuzzer() {
            _ = target
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
        }
    #endif

    static func replay(_ arguments: [String]) {
        switch arguments.first {
        case "replay":
            guard arguments.count >= 3, let target = FuzzTarget(rawValue: arguments[1]) else { fail(usage, 2) }
            do {
                let count = try CorpusReplay.replay(target, paths: Array(arguments.dropFirst(2)))
                print("partisan-fuzz: \(target.rawValue): \(count) inputs replayed, all properties held")
            } catch {
                fail("partisan-fuzz: \(error)", 1)
            }
        case "seed":
            guard arguments.count == 2 else { fail(usage, 2) }
            do {
                print("partisan-fuzz: wrote \(try CorpusReplay.writeSeeds(into: arguments[1])) seeds")
            } catch {
                fail("partisan-fuzz: \(error)", 1)
            }
        case "list":
            for target in FuzzTarget.allCases { print("\(target.rawValue) \(target.maxInputLength)") }
        case nil:
            print(usage)
        default:
            fail(usage, 2)
        }
    }

    static func fail(_ message: String, _ status: Int32) -> Never {
        print(message)
        exit(status)
    }
}

#if FUZZING
    /// libFuzzer's entry point: one input, through the target chosen by the environment.
    ///
    /// clang links libFuzzer's own `main` along with SwiftPM's (which calls ``PartisanFuzz``'s
    /// `main`, which calls libFuzzer's driver); scripts/fuzz.sh lets the linker keep either,
    /// since both run libFuzzer on this function.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        PartisanFuzz.target.run(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
#endif
