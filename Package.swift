// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "mailsla",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mailsla", targets: ["MailslaCLI"]),
        .library(name: "Mailsla", targets: ["Mailsla"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C libraries, each behind a module map and a shim header.
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // The framer's newline scan: one SSE2/AVX2 pass per block (Swift has no vector movemask), memchr elsewhere;
        // and the classifier's prefetch hint.
        .target(name: "CLineScan"),
        // libsystemd's sd_journal calls as a table, for the linked copy or a private dlmopen copy per journal lane.
        .target(name: "CJournalLibrary", dependencies: ["CSystemd"]),
        // Framing, syslog parsing, records, counters: Swift but for the scan above. No I/O beyond what callers hand in.
        .target(name: "MailslaCore", dependencies: ["CLineScan"]),
        // Byte sources: files, gzip (zlib), standard input, rotated sets.
        .target(name: "MailslaInput", dependencies: ["MailslaCore", "CZlib"]),
        // Journal files and directories through libsystemd.
        .target(name: "MailslaJournal", dependencies: ["MailslaCore", "CSystemd", "CJournalLibrary"]),
        // The PCRE2 rule engine and the rule-file loader.
        .target(
            name: "MailslaRules",
            dependencies: ["MailslaCore", "CLineScan", "CPCRE2", .product(name: "Yams", package: "Yams")]
        ),
        // The pipeline that ties sources and stages together for `replay`.
        .target(
            name: "Mailsla",
            dependencies: ["CLineScan", "MailslaCore", "MailslaInput", "MailslaJournal", "MailslaRules", "MailslaSLA", .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        // The SLA engine: probe results, incidents, exclusions, availability. Pure Swift, no I/O.
        .target(name: "MailslaSLA", dependencies: ["MailslaCore"]),
        // The state database of `mailsla tail` (SQLite through GRDB): checkpoints and the results they cover.
        .target(
            name: "MailslaStore",
            dependencies: ["Mailsla", "MailslaCore", "MailslaSLA", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The engine of `mailsla tail`: its thread, live sources, checkpoints and lifecycle services.
        .target(
            name: "MailslaTail",
            dependencies: [
                "Mailsla", "MailslaCore", "MailslaInput", "MailslaJournal", "MailslaProbe", "MailslaRules", "MailslaSLA", "MailslaServe",
                "MailslaStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // Active probes (SMTP, POP3, IMAP, HTTP, mail flow) over SwiftNIO + NIOSSL, and their scheduler.
        .target(
            name: "MailslaProbe",
            dependencies: ["MailslaCore", "MailslaSLA", "Mailsla",
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl")]
        ),
        // Writes realistic logs of known content for tests and benchmarks.
        .target(name: "MailslaCorpus", dependencies: ["MailslaCore"]),
        // The HTTP surface of `mailsla tail`: /metrics, /healthz, the status page and POST /probes.
        .target(
            name: "MailslaServe",
            dependencies: [
                "Mailsla", "MailslaSLA", "MailslaRules",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "MailslaCLI",
            dependencies: [
                "Mailsla", "MailslaCorpus", "MailslaProbe", "MailslaStore", "MailslaTail",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Stage-by-stage throughput, run on demand in release mode (never part of `swift test`).
        .executableTarget(
            name: "mailsla-bench",
            dependencies: ["Mailsla", "MailslaCorpus", "MailslaRules"],
            path: "Benchmarks/mailsla-bench"
        ),

        // Fixtures more than one test target starts: a journald of its own namespace.
        .target(name: "MailslaTestSupport", dependencies: ["MailslaJournal"], path: "Tests/MailslaTestSupport"),
        .testTarget(name: "MailslaCoreTests", dependencies: ["MailslaCore"]),
        .testTarget(name: "MailslaInputTests", dependencies: ["MailslaInput"]),
        .testTarget(name: "MailslaJournalTests", dependencies: ["MailslaTestSupport", "MailslaJournal", "MailslaCorpus"]),
        .testTarget(name: "MailslaRulesTests", dependencies: ["MailslaRules"]),
        .testTarget(name: "MailslaSLATests", dependencies: ["MailslaSLA"]),
        // Fixtures are read by path (`fixture(_:)`), not bundled.
        .testTarget(name: "MailslaTests", dependencies: ["Mailsla", "MailslaCorpus"], exclude: ["Fixtures"]),
        .testTarget(
            name: "MailslaProbeTests",
            dependencies: ["MailslaProbe", "MailslaSLA", "Mailsla",
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl")]
        ),
        .testTarget(name: "MailslaCLITests", dependencies: ["MailslaTestSupport", "MailslaCLI", "Mailsla", "MailslaCore", "MailslaRules", "MailslaSLA", "MailslaStore"]),
        .testTarget(name: "MailslaStoreTests", dependencies: ["MailslaStore", "Mailsla", "MailslaSLA"]),
        .testTarget(name: "MailslaServeTests", dependencies: ["MailslaServe", "MailslaCorpus"]),
    ],
    swiftLanguageModes: [.v6]
)
