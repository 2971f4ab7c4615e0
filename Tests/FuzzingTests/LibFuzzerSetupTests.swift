import Foundation
import Fuzzing
import Testing

@Suite("libFuzzer dictionaries, binary names and worker flags")
struct LibFuzzerSetupTests {
    @Test("Dictionary tokens: printable ASCII as is; quote, backslash and every other byte escaped", arguments: [
        (Array("a=b".utf8), "a=b"),
        (Array("say \"hi\"".utf8), "say \\\"hi\\\""),
        (Array("C:\\path".utf8), "C:\\\\path"),
        ([0x21, 0x12, 0xA4, 0x42], "!\\x12\\xA4B"),
        ([0x00, 0x0A, 0x7F, 0xFF], "\\x00\\x0A\\x7F\\xFF"),
        ([0x20, 0x7E], " ~"),
    ])
    func escaping(token: [UInt8], escaped: String) {
        #expect(LibFuzzerDictionary.escape(token) == escaped)
    }

    @Test("A dictionary file: a comment, then one name=\"value\" line per distinct token of 1 to 64 bytes")
    func rendering() {
        let tooLong = [UInt8](repeating: 0x41, count: LibFuzzerDictionary.maximumTokenLength + 1)
        let text = LibFuzzerDictionary.render([[0x00, 0x01], [], Array("a=v".utf8), [0x00, 0x01], tooLong], target: "stun")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("# "))
        #expect(lines[1] == "t1=\"\\x00\\x01\"")
        #expect(lines[2] == "t2=\"a=v\"")
        #expect(text.hasSuffix("\n"))
    }

    @Test("A binary serves the target its name or CRUCIBLE_FUZZ_TARGET names, the variable first")
    func binaryName() {
        #expect(LibFuzzerBinaryName.target(executablePath: "/out/crucible-fuzz-dtls-handshake", environmentValue: nil) == "dtls-handshake")
        #expect(LibFuzzerBinaryName.target(executablePath: "./crucible-fuzz-stun", environmentValue: "sdp") == "sdp")
        #expect(LibFuzzerBinaryName.target(executablePath: "crucible-fuzz-stun", environmentValue: "") == "stun")
        #expect(LibFuzzerBinaryName.target(executablePath: "/x/crucible-fuzz", environmentValue: nil) == nil)
        #expect(LibFuzzerBinaryName.target(executablePath: "/x/crucible-fuzz-", environmentValue: nil) == nil)
        #expect(LibFuzzerBinaryName.binary(for: "rtp") == "crucible-fuzz-rtp")
    }

    @Test("A worker's flags: corpus directories first, then time, limits, seed, artifacts, stats, reload, dictionary")
    func workerFlags() {
        let spec = LibFuzzerWorker.spec(
            target: "stun", binary: URL(fileURLWithPath: "/out/crucible-fuzz-stun"),
            corpusDirectories: [URL(fileURLWithPath: "/shared/stun"), URL(fileURLWithPath: "/repo/Corpus/stun")],
            artifactDirectory: URL(fileURLWithPath: "/tmp/art"), seconds: 600,
            limits: ResourceLimits(secondsPerInput: 1.5, memoryMiB: 1024), seed: 7,
            dictionary: URL(fileURLWithPath: "/out/crucible-fuzz-stun.dict"))
        #expect(spec.engine == .libfuzzer)
        #expect(spec.arguments == [
            "/shared/stun", "/repo/Corpus/stun", "-max_total_time=600", "-timeout=2", "-rss_limit_mb=1024",
            "-malloc_limit_mb=1024", "-seed=7", "-artifact_prefix=/tmp/art/", "-print_final_stats=1", "-reload=1",
            "-dict=/out/crucible-fuzz-stun.dict",
        ])
        #expect(spec.environment["CRUCIBLE_FUZZ_TARGET"] == "stun")
        #expect(spec.environment["SWIFT_BACKTRACE"] == "enable=no")
        #expect(spec.currentInputFile == nil, "libFuzzer writes its own artifacts")
        #expect(spec.parseLine("artifact_prefix='/tmp/art/'; Test unit written to /tmp/art/crash-00") == .artifact(kind: .crash, path: "/tmp/art/crash-00"))
    }

    @Test("Seeds fold into libFuzzer's 32 bits and never to 0, which libFuzzer reads as 'pick one'")
    func seeds() {
        #expect(LibFuzzerWorker.libFuzzerSeed(7) == 7)
        #expect(LibFuzzerWorker.libFuzzerSeed(0) == 1)
        #expect(LibFuzzerWorker.libFuzzerSeed(0x1_0000_0001) == 1, "halves that cancel out fold to 0, then to 1")
        #expect(LibFuzzerWorker.libFuzzerSeed(UInt64.max) <= 0xFFFF_FFFF)
        #expect(LibFuzzerWorker.libFuzzerSeed(UInt64.max) != 0)
    }

    @Test("A build that fails for want of libFuzzer is told apart from a compile error", arguments: [
        ("<unknown>:0: error: unsupported option '-sanitize=fuzzer'", true),
        ("ld.lld: error: undefined symbol: LLVMFuzzerRunDriver", true),
        ("clang: error: no such file or directory: '/opt/swift/usr/lib/clang/17/lib/linux/libclang_rt.fuzzer-x86_64.a'", true),
        ("Scripts/build-fuzzers: line 40: swift: command not found", true),
        ("Sources/STUN/Parse.swift:12:5: error: cannot find 'x' in scope", false),
    ])
    func toolchainErrors(output: String, cannotFuzz: Bool) {
        #expect(LibFuzzerBuild.saysToolchainCannotFuzz(output) == cannotFuzz)
    }

    @Test("The toolchain error tells how to install a toolchain that can fuzz")
    func toolchainMessage() {
        let text = "\(LibFuzzerBuildError.toolchainCannotFuzz(log: "…"))"
        #expect(text.contains("swift.org toolchain"))
        #expect(text.contains("-sanitize=fuzzer"))
    }
}
