// swift-tools-version:6.1
// Crucible: a WebRTC stack built to be proven. See README.md and ../shared/DESIGN.md.
//
// The dependency list is kept short on purpose: CI builds from a clean clone on 2 cores.
// Hashes and HMAC come from the system OpenSSL (already needed for DTLS) rather than swift-crypto.
import PackageDescription

/// A system library found through pkg-config and installed by `Scripts/bootstrap` from Debian.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, path: "Sources/SystemLibraries/\(name)", pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let strictSwift: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Crucible",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "crucible", targets: ["crucible"]),
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "STUN", targets: ["STUN"]),
        .library(name: "SDP", targets: ["SDP"]),
        .library(name: "RTP", targets: ["RTP"]),
        .library(name: "SCTP", targets: ["SCTP"]),
        .library(name: "DTLSRecord", targets: ["DTLSRecord"]),
        .library(name: "Pcap", targets: ["Pcap"]),
        .library(name: "Fuzzing", targets: ["Fuzzing"]),
        .library(name: "Conformance", targets: ["Conformance"]),
        .library(name: "Decryption", targets: ["Decryption"]),
        .library(name: "SRTP", targets: ["SRTP"]),
        .library(name: "Media", targets: ["Media"]),
        .library(name: "Replay", targets: ["Replay"]),
        .library(name: "SansIO", targets: ["SansIO"]),
        .library(name: "Simulation", targets: ["Simulation"]),
        .library(name: "ICE", targets: ["ICE"]),
        .library(name: "TURN", targets: ["TURN"]),
        .library(name: "UDPDriver", targets: ["UDPDriver"]),
        .library(name: "DTLS", targets: ["DTLS"]),
        .library(name: "DataChannels", targets: ["DataChannels"]),
        .library(name: "WebRTC", targets: ["WebRTC"]),
        .library(name: "JSEP", targets: ["JSEP"]),
        .library(name: "Harness", targets: ["Harness"]),
        .library(name: "Interop", targets: ["Interop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
    ],
    targets: [
        // System libraries (Debian -dev packages, installed by Scripts/bootstrap).
        systemLibrary("COpenSSL", pkgConfig: "openssl", apt: "libssl-dev"),
        systemLibrary("CSRTP", pkgConfig: "libsrtp2", apt: "libsrtp2-dev"),
        systemLibrary("COpus", pkgConfig: "opus", apt: "libopus-dev"),
        systemLibrary("CVPX", pkgConfig: "vpx", apt: "libvpx-dev"),
        systemLibrary("CPcap", pkgConfig: "libpcap", apt: "libpcap-dev"),
        // CPU-specific kernels that Swift cannot express directly (the SSE4.2 crc32 instruction).
        .target(name: "CWireKernels", path: "Sources/SystemLibraries/CWireKernels"),

        // Bytes: readers, writers, checksums, the error shape every codec shares.
        .target(name: "Wire", dependencies: ["CWireKernels"], swiftSettings: strictSwift),
        // The machine contract every stateful layer implements and every driver runs (DESIGN §1.1).
        .target(name: "SansIO", dependencies: ["Wire"], swiftSettings: strictSwift),
        // Digests and HMAC over OpenSSL, for STUN integrity now and DTLS/SCTP cookies later.
        .target(name: "Hashing", dependencies: ["Wire", "COpenSSL"], swiftSettings: strictSwift),

        // Isolated codecs: one folder per protocol (DESIGN §1.2).
        .target(name: "STUN", dependencies: ["Wire", "Hashing"], swiftSettings: strictSwift),
        .target(name: "SDP", dependencies: ["Wire", "Hashing"], swiftSettings: strictSwift),
        .target(name: "RTP", dependencies: ["Wire", "SansIO"], swiftSettings: strictSwift),
        .target(name: "SCTP", dependencies: ["Wire", "SansIO", "Hashing"], swiftSettings: strictSwift),
        .target(name: "DTLSRecord", dependencies: ["Wire", "Hashing", "SRTP"], swiftSettings: strictSwift),
        // SRTP (RFC 3711, 7714): protection profiles, DTLS-SRTP key split (RFC 5764 §4.2), libsrtp sessions.
        .target(name: "SRTP", dependencies: ["Wire", "CSRTP"], swiftSettings: strictSwift),
        // Codecs over C libraries (libopus, libvpx), synthetic sources and the frames they pass (DESIGN §4a).
        .target(name: "Media", dependencies: ["Wire", "COpus", "CVPX"], swiftSettings: strictSwift),

        // Machines over the codecs (DESIGN §1.1).
        // The ICE agent (RFC 8445, 8838, 7675): gathering, checks, nomination, consent.
        .target(name: "ICE", dependencies: ["Wire", "SansIO", "STUN", "SDP", "Hashing", "TURN"], swiftSettings: strictSwift),

        // Harness layers.
        .target(name: "Pcap", dependencies: ["Wire", "CPcap"], swiftSettings: strictSwift),
        .target(name: "Fuzzing", dependencies: ["Wire", "Hashing"], swiftSettings: strictSwift),
        .target(
            name: "Conformance",
            dependencies: [
                "Wire", "STUN", "SDP", "RTP", "SCTP", "DTLSRecord", "Pcap", "Fuzzing", "SRTP", "SansIO", "Media",
                // The machine targets (issue 17): the layers' machines and the peer connection on the simulator.
                "DTLS", "DataChannels", "ICE", "JSEP", "Simulation", "TURN", "WebRTC",
            ],
            swiftSettings: strictSwift
        ),
        // Keys and ciphers the replay checker needs to see inside DTLS and SRTP.
        .target(name: "Decryption", dependencies: ["Wire", "Hashing", "COpenSSL", "SRTP"], swiftSettings: strictSwift),
        // The DTLS endpoint machine over OpenSSL memory BIOs: certificates, fingerprints, DTLS-SRTP keys.
        .target(name: "DTLS", dependencies: ["Wire", "SansIO", "Hashing", "SDP", "DTLSRecord", "COpenSSL", "SRTP"], swiftSettings: strictSwift),
        // WebRTC data channels over one SCTP association (RFC 8831, RFC 8832 DCEP).
        .target(name: "DataChannels", dependencies: ["Wire", "SansIO", "SCTP"], swiftSettings: strictSwift),
        // JSEP offer/answer (RFC 9429) for data-channel sessions and the W3C signaling state machine.
        .target(name: "JSEP", dependencies: ["Wire", "SDP", "DTLS", "ICE"], swiftSettings: strictSwift),
        // The pcap replay checker: flows, demultiplexing, rules, reports.
        .target(
            name: "Replay",
            dependencies: ["Wire", "STUN", "SDP", "JSEP", "RTP", "SCTP", "DTLSRecord", "Pcap", "Decryption", "SRTP", "Hashing"],
            swiftSettings: strictSwift
        ),
        // The deterministic network simulator: virtual time, link model, NATs (DESIGN §1.1, §1.5).
        .target(name: "Simulation", dependencies: ["Wire", "SansIO", "Hashing"], swiftSettings: strictSwift),
        // Machines (DESIGN §1.1): stateful layers without IO.
        // TURN client (RFC 8656) over the STUN codec.
        .target(name: "TURN", dependencies: ["Wire", "SansIO", "STUN", "Hashing"], swiftSettings: strictSwift),

        // Drivers: the only IO. SwiftNIO datagram channels and wall-clock timers for any DatagramMachine.
        .target(
            name: "UDPDriver",
            dependencies: [
                "SansIO", "Wire", "Pcap",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSwift
        ),
        // The engine and its client API (DESIGN §3): peer connections composing ICE, DTLS and data
        // channels, on the UDP driver or the simulator.
        .target(
            name: "WebRTC",
            dependencies: [
                "Wire", "SansIO", "Hashing", "SDP", "SCTP", "ICE", "DTLS", "SRTP", "DataChannels", "JSEP", "Simulation", "UDPDriver", "Pcap",
                "RTP", "Media",
            ],
            swiftSettings: strictSwift
        ),
        // Harness pieces over the client API, shared by the tests, the tour, the interop sessions and the
        // benchmarks: two connections joined in process, the webrtc-echoes answerer, checked bulk transfers.
        .target(name: "Harness", dependencies: ["WebRTC", "DataChannels", "Hashing", "Wire", "Media", "SansIO"], swiftSettings: strictSwift),
        // The interop matrix (DESIGN §4): scenarios between Crucible and other stacks' peers (Scripts/interop,
        // CONTROL.md), each cell captured on loopback and judged by the replay checker.
        .target(
            name: "Interop",
            dependencies: ["WebRTC", "DataChannels", "Hashing", "Wire", "SDP", "Pcap", "Replay", "Decryption", "Fuzzing"],
            swiftSettings: strictSwift
        ),
        // webrtc-echoes signaling: the offer/answer JSON over HTTP POST /offer, server and client, loopback only.
        .target(
            name: "EchoSignaling",
            dependencies: [
                "Wire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "crucible",
            dependencies: [
                "Wire", "STUN", "SDP", "Pcap", "Conformance", "Fuzzing", "Replay", "Decryption", "WebRTC", "Harness", "EchoSignaling",
                "Interop", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift
        ),

        // Tests: one folder per module.
        // Test doubles shared by several test targets: the fake TURN server, the coturn process helper,
        // running an outside program to its end.
        .target(
            name: "CrucibleTestSupport",
            dependencies: ["Wire", "SansIO", "STUN", "UDPDriver", "Fuzzing", "Simulation"],
            path: "Tests/Support"
        ),
        .testTarget(
            name: "WireTests",
            dependencies: ["CrucibleTestSupport", "Wire", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "SansIOTests", dependencies: ["SansIO", "Wire"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "SansIO", "Wire", "Hashing"]),
        .testTarget(name: "HashingTests", dependencies: ["CrucibleTestSupport", "Hashing", "Wire"]),
        .testTarget(
            name: "SystemLibraryTests",
            dependencies: ["COpenSSL", "CSRTP", "COpus", "CVPX", "CPcap"]
        ),
        .testTarget(
            name: "STUNTests",
            dependencies: ["CrucibleTestSupport", "STUN", "Wire", "Conformance",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "SDPTests",
            dependencies: [
                "SDP", "Wire", "Hashing", "Conformance",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "RTPTests",
            dependencies: [
                "RTP", "Wire", "SansIO", "Conformance", "Fuzzing",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "SCTPTests",
            dependencies: [
                "SCTP", "Wire", "SansIO", "Simulation", "Conformance", "CrucibleTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "DTLSRecordTests",
            dependencies: ["CrucibleTestSupport", "DTLSRecord", "SRTP", "Wire", "Hashing", "Conformance",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "ICETests",
            dependencies: [
                "ICE", "Wire", "SansIO", "STUN", "SDP", "TURN", "Simulation", "UDPDriver", "Pcap", "CrucibleTestSupport", "Conformance",
                "Fuzzing",
            ]
        ),
        .testTarget(name: "PcapTests", dependencies: ["Pcap", "Wire", "Conformance", "CrucibleTestSupport"]),
        .testTarget(name: "FuzzingTests", dependencies: ["Fuzzing", "Conformance", "Wire"]),
        .testTarget(name: "ConformanceTests", dependencies: ["Conformance", "Fuzzing", "Wire"]),
        .testTarget(name: "CrucibleTests", dependencies: ["Conformance", "Fuzzing", "CrucibleTestSupport", "Pcap", "Wire"]),
        .testTarget(name: "DecryptionTests", dependencies: ["Decryption", "SRTP", "Wire", "Hashing", "Conformance", "Pcap"]),
        .testTarget(name: "SRTPTests", dependencies: ["SRTP", "Wire", "Conformance", "Fuzzing", "Pcap"]),
        .testTarget(name: "MediaTests", dependencies: ["Media", "Wire", "RTP"]),
        .testTarget(
            name: "DTLSTests",
            dependencies: [
                "DTLS", "SRTP", "SDP", "SansIO", "Simulation", "Wire", "Hashing", "DTLSRecord", "Decryption", "CrucibleTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "ReplayTests",
            dependencies: ["CrucibleTestSupport", "Replay", "Decryption", "SRTP", "Wire", "Conformance", "Pcap", "STUN", "RTP", "DTLSRecord", "COpus", "CVPX", "DTLS", "SCTP", "SansIO", "Fuzzing"]
        ),
        .testTarget(
            name: "TURNTests",
            dependencies: ["TURN", "STUN", "SansIO", "Wire", "UDPDriver", "Pcap", "CrucibleTestSupport", "Conformance", "Fuzzing"]
        ),
        .testTarget(
            name: "DataChannelsTests", dependencies: ["DataChannels", "SCTP", "SansIO", "Simulation", "Wire", "CrucibleTestSupport"]
        ),
        .testTarget(
            name: "JSEPTests",
            dependencies: [
                "JSEP", "SDP", "DTLS", "ICE", "Wire", "Hashing", "Conformance",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "EchoSignalingTests",
            dependencies: ["EchoSignaling", "Wire", "Fuzzing", "CrucibleTestSupport", .product(name: "NIOHTTP1", package: "swift-nio")]
        ),
        .testTarget(name: "UDPDriverTests", dependencies: ["UDPDriver", "SansIO", "Wire", "Pcap", "CrucibleTestSupport"]),
        .testTarget(
            name: "WebRTCTests",
            dependencies: [
                "WebRTC", "Harness", "DataChannels", "JSEP", "ICE", "DTLS", "SCTP", "SansIO", "Simulation", "Wire", "Replay", "Pcap",
                "Conformance", "Decryption", "Media", "RTP", "SDP",
            ]
        ),
        // Our stack against other stacks over loopback (aioice from Scripts/bootstrap's .venv-interop).
        .testTarget(
            name: "InteropTests",
            dependencies: [
                "ICE", "UDPDriver", "SDP", "SansIO", "Wire", "Replay", "WebRTC", "Harness", "DataChannels", "EchoSignaling", "Decryption",
                "Fuzzing", "CrucibleTestSupport", "Interop",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
