import Foundation
import Fuzzing
import Testing

/// Reading libFuzzer's standard error: the lines below were captured from this project's own
/// `crucible-fuzz` binaries (Swift 6.3.1, Linux), shortened where marked.
@Suite("libFuzzer output: status lines, artifacts and crash signatures")
struct LibFuzzerOutputTests {
    @Test("A NEW status line gives executions, coverage, features and corpus size; seconds are executions ÷ exec/s")
    func newLine() throws {
        let line = "#265520\tNEW    cov: 786 ft: 1608 corp: 149/14925b lim: 4096 exec/s: 53104 rss: 470Mb L: 112/188 MS: 4 ChangeASCIIInt-Custom-CopyPart-Custom-"
        let sample = try #require(LibFuzzerOutput.progress(from: line))
        #expect(sample.executions == 265_520)
        #expect(sample.coverage == 786)
        #expect(sample.features == 1608)
        #expect(sample.corpusSize == 149)
        #expect(abs(sample.seconds - 265_520.0 / 53_104.0) < 1e-9)
    }

    @Test("Every status kind is progress: INITED, REDUCE, pulse, DONE, with corpus sizes in Kb")
    func statusKinds() {
        let lines = [
            "#67\tINITED cov: 754 ft: 1300 corp: 60/5764b exec/s: 0 rss: 54Mb",
            "#1200\tREDUCE cov: 760 ft: 1310 corp: 61/5700b lim: 4096 exec/s: 1200 rss: 60Mb L: 40/188 MS: 1 Custom-",
            "#524288\tpulse  cov: 787 ft: 1687 corp: 159/15965b lim: 4096 exec/s: 49009 rss: 477Mb",
            "#481586\tDONE   cov: 788 ft: 1700 corp: 165/16Kb lim: 4096 exec/s: 43780 rss: 485Mb",
        ]
        let samples = lines.map(LibFuzzerOutput.progress(from:))
        #expect(samples.allSatisfy { $0 != nil })
        #expect(samples[0]?.seconds == 0, "exec/s 0 (the first second) gives 0 seconds, not a division by zero")
        #expect(samples[3]?.corpusSize == 165)
        #expect(samples[3]?.features == 1700)
    }

    @Test("Fork mode's status line is progress too, and its time: is used as is")
    func forkLine() throws {
        let line = "#104857: cov: 790 ft: 1720 corp: 170 exec/s: 10485 oom/timeout/crash: 0/0/0 time: 10s job: 3 dft_time: 0"
        let sample = try #require(LibFuzzerOutput.progress(from: line))
        #expect(sample.executions == 104_857)
        #expect(sample.corpusSize == 170)
        #expect(sample.seconds == 10)
    }

    @Test("Other lines are not events", arguments: [
        "INFO: Seed: 386842437",
        "INFO:       66 files found in corpus",
        "\tNEW_FUNC[1/1]: 0x558955a0c580 in $s4STUN17STUNAttributeTypeV4nameSSSgvg /x/Sources/STUN/AttributeType.swift:65",
        "    #5 0x5599130cfed5 in $s11Conformance10PlantedBugO… /x/Sources/Conformance/PlantedBug.swift:35:32",
        "###### Recommended dictionary. ######",
        "MS: 4 CopyPart-Custom-ChangeBit-Custom-; base unit: b90f7cf9b25a44c44d837cc1a14c4a13af67cb01",
        "",
    ])
    func otherLines(line: String) {
        #expect(LibFuzzerOutput.event(from: line) == nil)
    }

    @Test("'Test unit written to' names the artifact, and its name says the kind", arguments: [
        ("artifact_prefix='art/'; Test unit written to art/crash-e0065bb6293a1acf2cb1bf4473c5ddc85de0ad50", FailureKind.crash, "art/crash-e0065bb6293a1acf2cb1bf4473c5ddc85de0ad50"),
        ("artifact_prefix='./'; Test unit written to ./timeout-da39a3ee5e6b4b0d3255bfef95601890afd80709", .hang, "./timeout-da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("artifact_prefix='/c/'; Test unit written to /c/oom-da39a3ee5e6b4b0d3255bfef95601890afd80709", .memory, "/c/oom-da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("artifact_prefix='./'; Test unit written to ./leak-da39a3ee5e6b4b0d3255bfef95601890afd80709", .memory, "./leak-da39a3ee5e6b4b0d3255bfef95601890afd80709"),
    ])
    func artifacts(line: String, kind: FailureKind, path: String) {
        #expect(LibFuzzerOutput.event(from: line) == .artifact(kind: kind, path: path))
    }

    /// The end of a real report: `crucible-fuzz-planted-stun`, ASan build, the planted trap.
    static let plantedReport = """
        Conformance/PlantedBug.swift:35: Fatal error: planted bug: SOFTWARE value of 13 bytes
        Current stack trace:
        0    libswiftCore.so                    0x00007f99d895f130 swift_reportError + 33
        4    crucible-fuzz-planted-stun         0x00005599130cfed6 <unavailable> + 3780310
        ==29365== ERROR: libFuzzer: deadly signal
            #0 0x559912fb7088 in __sanitizer_print_stack_trace /home/build-user/llvm-project/compiler-rt/lib/asan/asan_stack.cpp:87:3
            #1 0x559912fef378 in fuzzer::PrintStackTrace() /home/build-user/llvm-project/compiler-rt/lib/fuzzer/FuzzerUtil.cpp:210:5
            #2 0x559912fd68f3 in fuzzer::Fuzzer::CrashCallback() /home/build-user/llvm-project/compiler-rt/lib/fuzzer/FuzzerLoop.cpp:231:3
            #3 0x7f99d745a04f  (/lib/x86_64-linux-gnu/libc.so.6+0x3c04f) (BuildId: 93ac61ec5a8eb1396f9fbd350e3169a558528a40)
            #4 0x7f99d8af9360 in $ss17_assertionFailure__4file4line5flagss5NeverOs12StaticStringV_SSAHSus6UInt32VtF (/opt/swift/usr/lib/swift/linux/libswiftCore.so+0x2f9360) (BuildId: b521f25fdeacf504eca83d97c7308e8fc11be729)
            #5 0x5599130cfed5 in $s11Conformance10PlantedBugO26softwareDescriptionIsValidySbs10ArraySliceVys5UInt8VGFZ /work/wt-libfuzzer/Sources/Conformance/PlantedBug.swift:35:32
            #6 0x5599130cfed5 in $s11Conformance10PlantedBugO6target7Fuzzing10FuzzTargetVvpZfiAE0F7OutcomeOSays5UInt8VGYbcfU_ /work/wt-libfuzzer/Sources/Conformance/PlantedBug.swift:26:19
            #7 0x55991347a72c in $s7Fuzzing10FuzzTargetV3runyAA0B7OutcomeOSays5UInt8VGF /<compiler-generated>
            #8 0x55991347a72c in $s13crucible_fuzz18fuzzerTestOneInputys5Int32VSPys5UInt8VGSg_SitF /work/wt-libfuzzer/FuzzTargets/Sources/CrucibleFuzz/EntryPoints.swift:62:44
            #9 0x559912fd7f4b in fuzzer::Fuzzer::ExecuteCallback(unsigned char const*, unsigned long) /home/build-user/llvm-project/compiler-rt/lib/fuzzer/FuzzerLoop.cpp:619:13

        NOTE: libFuzzer has rudimentary signal handlers.
        SUMMARY: libFuzzer: deadly signal
        MS: 4 CopyPart-Custom-ChangeBit-Custom-; base unit: b90f7cf9b25a44c44d837cc1a14c4a13af67cb01
        artifact_prefix='art/'; Test unit written to art/crash-e0065bb6293a1acf2cb1bf4473c5ddc85de0ad50
        """

    @Test("A Swift trap's signature is its Fatal error message and the first frame in Crucible's Sources, demangled")
    func swiftTrap() throws {
        let signature = try #require(LibFuzzerOutput.signature(of: Self.plantedReport, kind: .crash))
        #expect(signature.kind == .crash)
        #expect(signature.message == "Fatal error: planted bug: SOFTWARE value of 13 bytes")
        // Frames #0–#4 are the sanitizer, libFuzzer, libc and libswiftCore: skipped.
        #expect(signature.site == "static PlantedBug.softwareDescriptionIsValid(_:) (PlantedBug.swift:35)")
    }

    @Test("Without a demangler the site keeps the symbol as printed")
    func mangledSite() throws {
        let signature = try #require(LibFuzzerOutput.signature(of: Self.plantedReport, kind: .crash, demangle: { $0 }))
        #expect(signature.site == "$s11Conformance10PlantedBugO26softwareDescriptionIsValidySbs10ArraySliceVys5UInt8VGFZ (PlantedBug.swift:35)")
    }

    @Test("With no frame of ours (a build without ASan prints none), the site is the runtime's file:line")
    func runtimeSite() throws {
        let report = """
            Conformance/PlantedBug.swift:35: Fatal error: planted bug: SOFTWARE value of 13 bytes
            ==4242== ERROR: libFuzzer: deadly signal
            """
        let signature = try #require(LibFuzzerOutput.signature(of: report, kind: .crash))
        #expect(signature.site == "PlantedBug.swift:35")
    }

    @Test("An oracle failure (the entry point's fatalError) is of kind oracle")
    func oracle() throws {
        let report = """
            crucible_fuzz/EntryPoints.swift:66: Fatal error: stun: round-trip oracle failed: re-serialised 20 bytes differ from 24 canonical bytes at offset 20
            ==77== ERROR: libFuzzer: deadly signal
            """
        let signature = try #require(LibFuzzerOutput.signature(of: report, kind: .crash))
        #expect(signature.kind == .oracle)
        #expect(signature.message.hasPrefix("Fatal error: stun: round-trip oracle failed"))
    }

    @Test("Sanitizer and libFuzzer messages drop the numbers that change from run to run", arguments: [
        ("==12==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000031 at pc 0x55 bp 0x7ff sp 0x7fe", "AddressSanitizer: heap-buffer-overflow"),
        ("==12==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000 (pc 0x55 bp 0x7ff sp 0x7fe T0)", "AddressSanitizer: SEGV"),
        ("==12== ERROR: libFuzzer: timeout after 2 seconds", "libFuzzer: timeout"),
        ("==12== ERROR: libFuzzer: out-of-memory (used: 2100Mb; exceeds: 2048Mb)", "libFuzzer: out-of-memory"),
        ("==12== ERROR: libFuzzer: out-of-memory (malloc(4294967296))", "libFuzzer: out-of-memory"),
        ("==12== ERROR: libFuzzer: deadly signal", "libFuzzer: deadly signal"),
        ("==12==ERROR: LeakSanitizer: detected memory leaks", "LeakSanitizer: detected memory leaks"),
    ])
    func messages(line: String, message: String) throws {
        let signature = try #require(LibFuzzerOutput.signature(of: line, kind: .crash))
        #expect(signature.message == message)
        #expect(signature.site == "unknown")
    }

    @Test("A report's kind: timeout is a hang, out-of-memory and leaks are memory, the rest crashes")
    func kinds() {
        #expect(LibFuzzerOutput.failureKind(of: "==1== ERROR: libFuzzer: timeout after 2 seconds") == .hang)
        #expect(LibFuzzerOutput.failureKind(of: "==1== ERROR: libFuzzer: out-of-memory (used: 1Mb)") == .memory)
        #expect(LibFuzzerOutput.failureKind(of: "==1==ERROR: LeakSanitizer: detected memory leaks") == .memory)
        #expect(LibFuzzerOutput.failureKind(of: Self.plantedReport) == .crash)
    }

    @Test("Output without a failure has no signature")
    func noFailure() {
        #expect(LibFuzzerOutput.signature(of: "INFO: Seed: 1\nDone 100 runs in 1 second(s)\n", kind: .crash) == nil)
    }

    @Test("An ASan report's message is the bug kind, and its site skips our frames that have no line")
    func sanitizerReport() throws {
        // crucible-fuzz-dtls, ASan build, shortened.
        let report = """
            ==8968==ERROR: AddressSanitizer: heap-use-after-free on address 0x7ce32e339160 at pc 0x5654f8ade5cb bp 0x7ffd7a0b17f0 sp 0x7ffd7a0b0fb0
            WRITE of size 164 at 0x7ce32e339160 thread T0
                #0 0x5654f8ade5ca in __asan_memcpy /home/build-user/llvm-project/compiler-rt/lib/asan/asan_interceptors_memintrinsics.cpp:63:3
                #1 0x5654f8b70adc in $sSp10initialize4from5countySPyxG_SitFs5UInt8V_Tg5 /work/wt-libfuzzer/Sources/DTLSRecord/Handshake.swift
                #2 0x5654f8b70adc in $ss10ArraySliceV13_copyContents12initializings16IndexingIteratorVyAByxGG_SitSryxG_tFs5UInt8V_Tg5 /<compiler-generated>
                #8 0x5654f8b70adc in $s10DTLSRecord13HandshakeBodyO5parse4type_AcA0B4TypeV_s10ArraySliceVys5UInt8VGt4Wire10CodecErrorVyAA8DTLSRuleOGYKFZ /work/wt-libfuzzer/Sources/DTLSRecord/Parse.swift:192:33
                #9 0x5654f8b70adc in $s10DTLSRecord9DTLSCodecO17validatePlaintextyyAA13ClassicRecordV4Wire10CodecErrorVyAA8DTLSRuleOGYKFZ /work/wt-libfuzzer/Sources/DTLSRecord/Codec.swift:38:44
            """
        let signature = try #require(LibFuzzerOutput.signature(of: report, kind: .crash, demangle: { $0 }))
        #expect(signature.message == "AddressSanitizer: heap-use-after-free")
        #expect(signature.site.hasPrefix("$s10DTLSRecord13HandshakeBodyO5parse"))
        #expect(signature.site.hasSuffix("(Parse.swift:192)"))
    }
}
