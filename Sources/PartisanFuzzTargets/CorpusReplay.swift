import Foundation

/// Runs saved inputs through a target: the seed corpus and every crash libFuzzer found, so a
/// normal build checks them again (a property that fails traps, as under libFuzzer).
public enum CorpusReplay {
    /// Runs each file at `paths` (files, or directories read recursively, in name order)
    /// through `target`, calling `progress` with each file's path before it runs; returns how
    /// many ran.
    ///
    /// - Throws: when a path cannot be read.
    public static func replay(_ target: FuzzTarget, paths: [String], progress: (String) -> Void = { _ in }) throws
        -> Int
    {
        var count = 0
        for file in try files(at: paths) {
            progress(file)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            bytes.withUnsafeBytes { target.run($0) }
            count += 1
        }
        return count
    }

    /// Writes the seeds of every target into `directory/<target>/`, replacing files of the
    /// same name; returns how many it wrote.
    public static func writeSeeds(into directory: String) throws -> Int {
        var count = 0
        for target in FuzzTarget.allCases {
            let folder = URL(fileURLWithPath: directory).appendingPathComponent(target.rawValue)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for seed in SeedCorpus.seeds(for: target) {
                try Data(seed.bytes).write(to: folder.appendingPathComponent("seed-\(seed.name)"))
                count += 1
            }
        }
        return count
    }

    private static func files(at paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let names = try FileManager.default.subpathsOfDirectory(atPath: path).sorted()
            for name in names {
                let file = (path as NSString).appendingPathComponent(name)
                var nested: ObjCBool = false
                if FileManager.default.fileExists(atPath: file, isDirectory: &nested), !nested.boolValue,
                    !name.hasPrefix(".") && !name.hasSuffix(".md")
                {
                    files.append(file)
                }
            }
        }
        return files
    }
}
