// swift-tools-version:6.1
// Benchmarks live in their own package so the main build and CI's test run stay lean.
// Run from this folder: `swift package benchmark` (see README.md, "Benchmarks").
import PackageDescription

let package = Package(
    name: "CrucibleBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Crucible", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Codecs",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "Wire", package: "Crucible"),
                .product(name: "STUN", package: "Crucible"),
                .product(name: "SDP", package: "Crucible"),
                .product(name: "RTP", package: "Crucible"),
                .product(name: "SCTP", package: "Crucible"),
                .product(name: "DTLSRecord", package: "Crucible"),
            ],
            path: "Benchmarks/Codecs",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "ReplayThroughput",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "Pcap", package: "Crucible"),
                .product(name: "Replay", package: "Crucible"),
                .product(name: "Decryption", package: "Crucible"),
                .product(name: "Conformance", package: "Crucible"),
                .product(name: "WebRTC", package: "Crucible"),
                .product(name: "Harness", package: "Crucible"),
            ],
            path: "Benchmarks/ReplayThroughput",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "IceAgents",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "ICE", package: "Crucible"),
                .product(name: "SansIO", package: "Crucible"),
                .product(name: "Simulation", package: "Crucible"),
                .product(name: "UDPDriver", package: "Crucible"),
                .product(name: "Wire", package: "Crucible"),
            ],
            path: "Benchmarks/IceAgents",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "PeerConnections",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "WebRTC", package: "Crucible"),
                .product(name: "Harness", package: "Crucible"),
                .product(name: "Simulation", package: "Crucible"),
                .product(name: "ICE", package: "Crucible"),
            ],
            path: "Benchmarks/PeerConnections",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "MediaPipeline",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "SRTP", package: "Crucible"),
                .product(name: "Media", package: "Crucible"),
            ],
            path: "Benchmarks/MediaPipeline",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "MediaCalls",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "WebRTC", package: "Crucible"),
                .product(name: "Harness", package: "Crucible"),
                .product(name: "Media", package: "Crucible"),
            ],
            path: "Benchmarks/MediaCalls",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
