// swift-tools-version:6.1
import Foundation
import PackageDescription

/// Every target compiles in the Swift 6 language mode with the same upcoming
/// features, so a module moved between targets behaves the same.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "ChungTay",
    platforms: [.macOS(.v15)],
    // Library products only for what another package would import: the ZeroMQ binding, the
    // codecs, the wire protocol and its client, the worker runtime (to write handlers), the
    // domain rules and the store's reader. The rest is the executables' own plumbing.
    products: [
        .executable(name: "chungtay", targets: ["chungtay"]),
        .library(name: "ZeroMQ", targets: ["ZeroMQ"]),
        .library(name: "ChungTayCoding", targets: ["ChungTayCoding"]),
        .library(name: "ChungTayWire", targets: ["ChungTayWire"]),
        .library(name: "ChungTayClient", targets: ["ChungTayClient"]),
        .library(name: "ChungTayWorker", targets: ["ChungTayWorker"]),
        .library(name: "ChungTayRules", targets: ["ChungTayRules"]),
        .library(name: "ChungTayStore", targets: ["ChungTayStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CZeroMQ",
            pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]
        ),
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"], swiftSettings: swiftSettings),
        .systemLibrary(name: "CGlibcMalloc"),
        .systemLibrary(name: "CSQLiteConfig"),
        // The general codecs (JSON, exact decimals, civil dates, UTF-8 and Vietnamese text):
        // a leaf, so the wire, the rules and the batch modules share one of each.
        .target(name: "ChungTayCoding", swiftSettings: swiftSettings),
        .target(name: "ChungTayWire", dependencies: ["ChungTayCoding"], swiftSettings: swiftSettings),
        .target(
            name: "ChungTayRules", dependencies: ["ChungTayCoding", "ChungTayWire"], resources: [.copy("RuleData")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChungTayStore",
            dependencies: [
                "CSQLiteConfig", "ChungTayCoding", "ChungTayWire",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChungTayAccess",
            dependencies: ["ZeroMQ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChungTayRuntime",
            dependencies: [
                "CGlibcMalloc", "ChungTayWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChungTayDelivery",
            dependencies: [
                "ChungTayStore", "ChungTayCoding", "ChungTayWire", "ChungTayRuntime", "ChungTayAccess", "ZeroMQ",
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChungTayDispatcher",
            dependencies: [
                "ZeroMQ", "ChungTayWire", "ChungTayStore", "ChungTayRuntime", "ChungTayAccess",
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChungTayWorker",
            dependencies: [
                "ZeroMQ", "ChungTayWire", "ChungTayRuntime",
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChungTayHandlers",
            dependencies: ["ChungTayWorker", "ChungTayWire", "ChungTayRules"],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Office workbooks (.xlsx) read as a stream: ZIP over pread and zlib, a bounded XML
        // tokenizer, the sheet's rows one at a time.
        .target(name: "ChungTayWorkbook", dependencies: ["CZlib", "ChungTayCoding"], swiftSettings: swiftSettings),
        .target(name: "ChungTaySampleData", dependencies: ["ChungTayCoding", "ChungTayRules"], swiftSettings: swiftSettings),
        // The exporter's workbooks (.xlsx): Debian's libxlsxwriter, in its constant-memory mode.
        .systemLibrary(name: "CXlsxWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
        .target(
            name: "ChungTayBatchOutput",
            dependencies: ["CXlsxWriter", "ChungTayCoding", "ChungTayWire", "ChungTayRules", "ChungTayStore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChungTayBatchInput",
            dependencies: ["ChungTayCoding", "ChungTayWire", "ChungTayRules", "ChungTayWorkbook"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChungTayClient",
            dependencies: ["ZeroMQ", "ChungTayWire"],
            swiftSettings: swiftSettings
        ),
        // The operators' HTTP listener (`--metrics`): Prometheus text and the status page. It
        // learns everything as a client does, so it links the client, never the dispatcher.
        .target(
            name: "ChungTayOperatorPage",
            dependencies: [
                "ChungTayCoding", "ChungTayWire", "ChungTayClient", "ZeroMQ",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP API for other services (docs/openapi.yaml): it reaches the dispatcher as a
        // client does, acting for the HTTP caller's principal, so it links the client and
        // never the dispatcher.
        .target(
            name: "ChungTayHTTPAPI",
            dependencies: [
                "ChungTayCoding", "ChungTayWire", "ChungTayClient", "ChungTayAccess", "ChungTayBatchInput", "ZeroMQ",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // A symbolic link to docs/openapi.yaml, read through at build time: the document served is the
            // document in the repository, and no resource bundle has to ship beside the binary.
            resources: [.embedInCode("openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "chungtay",
            dependencies: [
                "ChungTayDispatcher", "ChungTayWorker", "ChungTayHandlers", "ChungTayCoding", "ChungTayWire", "ChungTayRules",
                "ChungTayClient", "ChungTayStore", "ChungTayRuntime", "ChungTaySampleData", "ChungTayBatchInput",
                "ChungTayBatchOutput", "ChungTayOperatorPage", "ChungTayHTTPAPI", "ChungTayAccess", "ChungTayDelivery", "ZeroMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "chungtay-bench",
            dependencies: [
                "ZeroMQ", "ChungTayWire", "ChungTayClient", "ChungTayBatchInput", "ChungTayCoding", "ChungTayRules",
                "ChungTaySampleData", "ChungTayStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The decoders' fuzz targets as plain functions, so that the unit tests replay the
        // committed corpus through them without libFuzzer (the fuzzer itself is below).
        .target(
            name: "ChungTayFuzzTargets",
            dependencies: ["ChungTayCoding", "ChungTayWire", "ChungTayRules", "ChungTayBatchInput", "ChungTayWorkbook"],
            path: "Fuzz/Sources/ChungTayFuzzTargets",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ChungTayAccessTests",
            dependencies: ["ChungTayAccess", "ZeroMQ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ChungTayCodingTests", dependencies: ["ChungTayCoding"], swiftSettings: swiftSettings),
        .testTarget(name: "ChungTayWireTests", dependencies: ["ChungTayWire"], swiftSettings: swiftSettings),
        .testTarget(name: "ChungTayRulesTests", dependencies: ["ChungTayCoding", "ChungTayRules"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ChungTayWorkbookTests", dependencies: ["ChungTayWorkbook", "ChungTayCoding", "CZlib"],
            // The openpyxl script that writes the test workbooks, run by the tests with /usr/bin/python3.
            exclude: ["Fixtures"], swiftSettings: swiftSettings
        ),
        .testTarget(name: "ChungTayStoreTests", dependencies: ["ChungTayStore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ChungTayDeliveryTests",
            dependencies: [
                "ChungTayDelivery", "ChungTayStore", "ChungTayWire", "ChungTayClient", "ChungTayAccess", "ZeroMQ",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChungTayDispatcherTests",
            dependencies: [
                "ChungTayDispatcher", "ChungTayAccess", "ChungTayWire", "ZeroMQ", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChungTayRuntimeTests",
            dependencies: ["ChungTayRuntime", "ChungTayWire", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChungTaySampleDataTests",
            dependencies: ["ChungTaySampleData", "ChungTayCoding", "ChungTayRules"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChungTayBatchInputTests",
            dependencies: ["ChungTayBatchInput", "ChungTayCoding", "ChungTayRules", "ChungTaySampleData"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChungTayBatchOutputTests",
            dependencies: ["ChungTayBatchOutput", "ChungTayCoding", "ChungTayRules", "ChungTayStore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChungTayFuzzTargetsTests",
            dependencies: ["ChungTayFuzzTargets"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChungTayOperatorPageTests",
            dependencies: ["ChungTayOperatorPage", "ChungTayWire"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChungTayHTTPAPITests",
            dependencies: ["ChungTayHTTPAPI", "ChungTayWire", "ChungTayAccess", "ZeroMQ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChungTaySystemTests",
            dependencies: ["ZeroMQ", "ChungTayWire", "ChungTayClient", "ChungTaySampleData", "ChungTayCoding"],
            // The Titanic test's Python client and the office lists' Python helpers, run as processes of their own.
            exclude: ["Titanic", "OfficeLists"],
            swiftSettings: swiftSettings
        ),
    ]
)

// The ordo-one/benchmark targets (`scripts/bench-rules`) build only when asked for, so
// that `swift build` and CI do not compile the benchmark package and its allocator hooks.
if ProcessInfo.processInfo.environment["CHUNGTAY_BENCHMARKS"] == "1" {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]))
    package.targets.append(.executableTarget(
        name: "RulesBenchmark",
        dependencies: ["ChungTayCoding", "ChungTayRules", .product(name: "Benchmark", package: "benchmark")],
        path: "Benchmarks/RulesBenchmark",
        swiftSettings: swiftSettings,
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ))
}

// The libFuzzer executable (`scripts/fuzz`) builds only when asked for: it needs
// `-sanitize=fuzzer` on every module it links, which only that build passes.
if ProcessInfo.processInfo.environment["CHUNGTAY_FUZZ"] == "1" {
    package.targets.append(.systemLibrary(name: "CLibFuzzer", path: "Fuzz/Sources/CLibFuzzer"))
    package.targets.append(.executableTarget(
        name: "chungtay-fuzz",
        dependencies: ["CLibFuzzer", "ChungTayFuzzTargets"],
        path: "Fuzz/Sources/chungtay-fuzz",
        swiftSettings: swiftSettings
    ))
}
