// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Partisan",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Partisan", targets: ["Partisan"]),
        .library(name: "PartisanSimulation", targets: ["PartisanSimulation"]),
        .library(name: "PartisanCluster", targets: ["PartisanCluster"]),
        .executable(name: "partisan", targets: ["partisan"]),
        .executable(name: "partisan-demo", targets: ["partisan-demo"]),
        .executable(name: "partisan-bench", targets: ["partisan-bench"]),
        .executable(name: "partisan-kv-example", targets: ["partisan-kv-example"]),
        .executable(name: "partisan-plumdb-example", targets: ["partisan-plumdb-example"]),
        .executable(name: "partisan-fuzz", targets: ["partisan-fuzz"]),
        .executable(name: "partisan-lifecycle-example", targets: ["partisan-lifecycle-example"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Configuration files (JSON, YAML), environment variables and flags (PartisanCluster).
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: ["JSON", "YAML"]),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Runtime: identities, terms and the wire codec, processes, mailboxes, registry, links, monitors.
        .target(
            name: "PartisanCore",
            dependencies: [
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // Distribution: the SwiftNIO transport (framing, handshake, TLS, channels × parallelism),
        // the overlays, membership and Plumtree broadcast.
        .target(
            name: "PartisanDistribution",
            dependencies: [
                "PartisanCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        // Whole overlays and Plumtree broadcasts in one process, without sockets: an in-memory
        // transport and a discrete-event clock, seeded.
        .target(
            name: "PartisanSimulation",
            dependencies: ["PartisanCore", "PartisanDistribution"],
            swiftSettings: strict
        ),
        // The library users import: the node facade (runtime + distribution) and the behaviours.
        .target(
            name: "Partisan",
            dependencies: [
                "PartisanCore", "PartisanDistribution", .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // Clusters that run themselves: configuration per environment (swift-configuration),
        // discovery strategies (static seeds, DNS A/AAAA and SRV, a hosts file, your own) and the
        // runner that joins what they find, and the node as a swift-service-lifecycle `Service`.
        .target(
            name: "PartisanCluster",
            dependencies: [
                "Partisan",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The command-line tool: `partisan node`, `partisan members`, `partisan ping`.
        .executableTarget(
            name: "partisan",
            dependencies: [
                "Partisan",
                "PartisanCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "partisan-demo",
            dependencies: ["Partisan"],
            swiftSettings: strict
        ),
        // The scenario benchmarks; the test support makes `--tls`'s certificates at run time.
        .executableTarget(
            name: "partisan-bench",
            dependencies: [
                "Partisan",
                "PartisanSimulation",
                "PartisanTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // A supervised key-value store whose worker crashes on a poison key and comes back.
        .executableTarget(
            name: "partisan-kv-example",
            dependencies: ["Partisan"],
            path: "Examples/partisan-kv-example",
            swiftSettings: strict
        ),
        // A replicated key-value map (Plumtree over HyParView) on six nodes in one process.
        .executableTarget(
            name: "partisan-plumdb-example",
            dependencies: ["Partisan", .product(name: "Logging", package: "swift-log")],
            path: "Examples/partisan-plumdb-example",
            swiftSettings: strict
        ),
        // A node run as a service: a supervised GenServer whose `terminate` runs on SIGTERM.
        .executableTarget(
            name: "partisan-lifecycle-example",
            dependencies: [
                "Partisan", "PartisanCluster",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/partisan-lifecycle-example",
            swiftSettings: strict
        ),
        // The fuzz targets of the wire's decoders (ETF, incoming messages, frame decoder and
        // handshake), the seed corpus and the corpus replayer (Tests/Fuzz/README.md).
        .target(
            name: "PartisanFuzzTargets",
            dependencies: [
                "PartisanCore", "PartisanDistribution", "CPartisanFuzzSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Heap measurements for the fuzz targets (the address sanitizer's, or glibc's), and
        // libFuzzer's driver for partisan-fuzz.
        .target(name: "CPartisanFuzzSupport"),
        // libFuzzer binary with -D FUZZING (scripts/fuzz.sh), corpus replayer otherwise.
        .executableTarget(
            name: "partisan-fuzz",
            dependencies: ["PartisanFuzzTargets", "CPartisanFuzzSupport"],
            swiftSettings: strict
        ),
        // Shared test helpers: deadlines, waiting for conditions, the Erlang oracle, certificates
        // made at run time.
        .target(
            name: "PartisanTestSupport",
            dependencies: [
                "Partisan",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/PartisanTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "PartisanCoreTests",
            dependencies: ["PartisanCore", "PartisanTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PartisanDistributionTests",
            dependencies: [
                "PartisanDistribution",
                "PartisanSimulation",
                "PartisanTestSupport",
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Several distributed nodes in one OS process over TCP on 127.0.0.1: remote processes.
        .testTarget(
            name: "PartisanNodeTests",
            dependencies: [
                "Partisan", "PartisanTestSupport", .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // Black-box tests of the `partisan` tool: real OS processes (the binary must be built).
        .testTarget(
            name: "PartisanCLITests",
            dependencies: ["PartisanTestSupport"],
            swiftSettings: strict
        ),
        // PartisanCluster: the configuration schema, its sources, profiles and errors; the node
        // as a Service; discovery (the DNS parser with hostile packets, clusters that form
        // through a real DNS server, dnsmasq, on 127.0.0.1, a hosts file and static seeds); the
        // guide's examples.
        .testTarget(
            name: "PartisanClusterTests",
            dependencies: [
                "PartisanCluster", "PartisanTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PartisanTests",
            dependencies: [
                "Partisan", "PartisanTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
    ]
)
