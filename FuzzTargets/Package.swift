// swift-tools-version:6.1
// The libFuzzer build of every Crucible fuzz target: one executable, `crucible-fuzz`, whose entry points
// are libFuzzer's. It links only when built with `-sanitize=fuzzer`, so build it with
// `Scripts/build-fuzzers` (see README.md here), never with a plain `swift build`.
import PackageDescription

let package = Package(
    name: "CrucibleFuzzTargets",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "crucible-fuzz", targets: ["crucible-fuzz"]),
    ],
    dependencies: [
        .package(name: "Crucible", path: ".."),
    ],
    targets: [
        // libFuzzer's C interface that Swift calls (`LLVMFuzzerMutate`); the runtime itself comes
        // with `-sanitize=fuzzer`.
        .target(name: "CLibFuzzer"),
        .executableTarget(
            name: "crucible-fuzz",
            dependencies: [
                "CLibFuzzer",
                .product(name: "Conformance", package: "Crucible"),
                .product(name: "Fuzzing", package: "Crucible"),
                .product(name: "Wire", package: "Crucible"),
            ],
            path: "Sources/CrucibleFuzz",
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
