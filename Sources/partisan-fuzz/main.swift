// The fuzz targets of the wire's decoders (see Tests/Fuzz/README.md).
//
// Built with `-D FUZZING -sanitize=fuzzer` (scripts/fuzz.sh), this is a libFuzzer binary: it
// exports LLVMFuzzerTestOneInput and runs the target named by PARTISAN_FUZZ_TARGET. In a
// normal build it replays saved inputs through a target and writes the seed corpus.
import PartisanFuzzTargets

#if FUZZING
    import Foundation

    /// The target chosen by the environment, read once.
    let fuzzTarget: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["PARTISAN_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            fatalError("set PARTISAN_FUZZ_TARGET to one of: \(known)")
        }
        return target
    }()

    /// libFuzzer's entry point: one input.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        fuzzTarget.run(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
#else
    import Foundation

    let usage = """
        usage: partisan-fuzz replay TARGET PATH...  run each file (or directory) through TARGET
               partisan-fuzz seed DIRECTORY         write every target's seeds into DIRECTORY/TARGET/
               partisan-fuzz list                   name the targets and their input size limits
        targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
        """

    let arguments = Array(CommandLine.arguments.dropFirst())
    switch arguments.first {
    case "replay":
        guard arguments.count >= 3, let target = FuzzTarget(rawValue: arguments[1]) else {
            print(usage)
            exit(2)
        }
        do {
            let count = try CorpusReplay.replay(target, paths: Array(arguments.dropFirst(2)))
            print("partisan-fuzz: \(target.rawValue): \(count) inputs replayed, all properties held")
        } catch {
            print("partisan-fuzz: \(error)")
            exit(1)
        }
    case "seed":
        guard arguments.count == 2 else {
            print(usage)
            exit(2)
        }
        do {
            print("partisan-fuzz: wrote \(try CorpusReplay.writeSeeds(into: arguments[1])) seeds")
        } catch {
            print("partisan-fuzz: \(error)")
            exit(1)
        }
    case "list":
        for target in FuzzTarget.allCases { print("\(target.rawValue) \(target.maxInputLength)") }
    default:
        print(usage)
        exit(arguments.isEmpty ? 0 : 2)
    }
#endif
