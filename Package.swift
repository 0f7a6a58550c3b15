// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "roster",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "roster", targets: ["roster"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .target(name: "RosterModel", swiftSettings: swiftSettings),
        .target(
            name: "RosterStore",
            dependencies: ["RosterModel"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RosterStoreConformance",
            dependencies: ["RosterStore", "RosterModel"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RosterSQL",
            dependencies: ["RosterStore", "RosterModel", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RosterSQLite",
            dependencies: [
                "RosterSQL", "RosterStore", "RosterModel",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RosterPostgres",
            dependencies: [
                "RosterSQL", "RosterStore", "RosterModel",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RosterSCIM",
            dependencies: ["RosterModel"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RosterService",
            dependencies: [
                "RosterSCIM", "RosterStore", "RosterModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RosterHTTP",
            dependencies: [
                "RosterService", "RosterSCIM", "RosterStore", "RosterModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "roster",
            dependencies: [
                "RosterHTTP", "RosterService", "RosterSQLite", "RosterPostgres", "RosterStore", "RosterModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Not part of Roster: the bare route `Benchmarks/throughput.py` compares Roster's routes with.
        .executableTarget(
            name: "bare-route",
            dependencies: [
                "RosterHTTP", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/BareRoute",
            swiftSettings: swiftSettings
        ),
        // Not part of Roster: the in-process responder benchmark (Roster's routes without the network).
        .executableTarget(
            name: "responder-bench",
            dependencies: [
                "RosterHTTP", "RosterService", "RosterSQLite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Benchmarks/ResponderBench",
            swiftSettings: swiftSettings
        ),
        // Not part of Roster: the in-process policy benchmark of `Benchmarks/large_org.py`.
        .executableTarget(
            name: "policy-bench",
            dependencies: ["RosterService", "RosterSQLite", "RosterModel"],
            path: "Benchmarks/PolicyBench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RosterModelTests",
            dependencies: ["RosterModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RosterSCIMTests",
            dependencies: ["RosterSCIM", "RosterModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RosterSQLiteTests",
            dependencies: [
                "RosterSQLite", "RosterStoreConformance", "RosterStore", "RosterModel",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RosterPostgresTests",
            dependencies: [
                "RosterPostgres", "RosterStoreConformance", "RosterStore", "RosterModel",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RosterServiceTests",
            dependencies: ["RosterService", "RosterSCIM", "RosterSQLite", "RosterStore", "RosterModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RosterHTTPTests",
            dependencies: [
                "RosterHTTP", "RosterService", "RosterSQLite", "RosterStore", "RosterModel",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
