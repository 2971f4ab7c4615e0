import ArgumentParser
import Foundation
import Decryption
import Pcap
import Replay
import WebRTC

/// `crucible replay CAPTURE [--json] [--html OUT] [--sdp [offer:|answer:]FILE …] [--ice-pwd PWD …] [--keylog FILE]
/// [--srtp-key SSRC=KEY …] [--payload-type PT=CODEC …] [--rtp srtp|plain|automatic] [--no-sidecars] [--rules]`.
///
/// Next to one of our recordings (`<name>.pcapng`) the key log `<name>.keys` and the descriptions
/// `<name>.offer.sdp`, `<name>.answer.sdp` (renegotiations `-2`, `-3` …) are read unless given otherwise.
///
/// Exit codes: 0 when no rule of error severity is broken, 1 when one is, 2 for unreadable input or a
/// usage error.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Judge a pcap/pcapng capture of a WebRTC session against the RFCs, packet by packet and rule by rule.")

    @Argument(help: "The capture file (pcap or pcapng).")
    var capture: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "Also write the report as an HTML page with a ladder diagram of the session.")
    var html: String?

    @Option(name: .customLong("sdp"), help: "A session description, offer or answer: [offer:|answer:]FILE (repeatable, in signalling order; the type is read from a=setup:actpass or the order when not given). Payload types, ICE credentials, fingerprints, DTLS roles, SCTP limits and streams are learned and enforced.")
    var descriptionFiles: [String] = []

    @Flag(name: .customLong("all-udp"), help: "Judge every UDP flow as WebRTC, not only those shown to be (ICE, a DTLS handshake, TURN, an SDP candidate, an RTP stream); DNS, mDNS, DHCP, QUIC … are otherwise skipped.")
    var allUDP = false

    @Flag(name: .customLong("no-sidecars"), help: "Do not read <capture>.keys and <capture>.offer.sdp / .answer.sdp next to the capture.")
    var noSidecars = false

    @Option(name: .customLong("ice-pwd"), help: "An ICE password; MESSAGE-INTEGRITY of Binding messages is verified with it (repeatable).")
    var icePasswords: [String] = []

    @Option(name: .customLong("srtp-key"), help: "SSRC=BASE64 or SSRC=PROFILE:BASE64 (master key ‖ salt; SSRC decimal or 0x hex): that stream is decrypted and must authenticate (repeatable).")
    var srtpKeys: [String] = []

    @Option(name: .customLong("keylog"), help: "An NSS key log (CLIENT_RANDOM lines): DTLS 1.2 is decrypted, SCTP and DCEP judged, and DTLS-SRTP keys exported.")
    var keyLogPath: String?

    @Option(name: .customLong("payload-type"), help: "PT=CODEC (opus or vp8): clear RTP payloads of that payload type are judged by that codec (repeatable).")
    var payloadTypes: [String] = []

    @Option(name: .customLong("rtp"), help: "RTP protection: automatic (default), srtp or plain (a decrypted capture).")
    var protection: String = RTPProtection.automatic.rawValue

    @Flag(help: "Print the rule catalogue and exit.")
    var rules = false

    func validate() throws {
        guard RTPProtection(rawValue: protection) != nil else {
            throw ValidationError("--rtp must be one of \(RTPProtection.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for text in payloadTypes where PayloadTypeAssignment(parsing: text) == nil {
            throw ValidationError("--payload-type \(text): expected PT=CODEC with PT 0–127 and CODEC one of \(MediaCodec.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard rules || capture != nil else { throw ValidationError("give a capture file (or --rules)") }
    }

    func run() throws {
        if rules {
            for rule in ReplayRules.catalogue { print(rule.description) }
            return
        }
        guard let capture else { throw ExitCode(2) }
        let keys = try srtpKeys.map { text in
            do throws(DecryptionError) { return try SRTPKeyAssignment(parsing: text) } catch {
                throw ValidationError("--srtp-key \(text): \(error)")
            }
        }
        // Next to one of our recordings: its key log and descriptions, unless given otherwise.
        let recording = noSidecars ? nil : Recording(capturePath: capture)
        let recordedKeyLog = recording.map(\.keyLogPath).flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
        let recordedDescriptions = (recording?.recordedDescriptions ?? []).map { "\($0.type.rawValue):\($0.path)" }
        var texts: [SignalledText] = []
        for argument in descriptionFiles.isEmpty ? recordedDescriptions : descriptionFiles {
            let (side, path) = Self.sideAndPath(argument)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                FileHandle.standardError.write(Data("crucible replay: cannot read the description \(path)\n".utf8))
                throw ExitCode(2)
            }
            texts.append(SignalledText(source: (path as NSString).lastPathComponent, text: text, side: side))
        }
        let signalling = ReplaySignalling(texts)
        for problem in signalling.problems {
            FileHandle.standardError.write(Data("crucible replay: description \(problem) (not used)\n".utf8))
        }
        var keyLog: KeyLog?
        if let keyLogPath = keyLogPath ?? recordedKeyLog {
            guard let text = try? String(contentsOfFile: keyLogPath, encoding: .utf8) else {
                FileHandle.standardError.write(Data("crucible replay: cannot read the key log \(keyLogPath)\n".utf8))
                throw ExitCode(2)
            }
            let parsed = KeyLog(parsing: text)
            for problem in parsed.problems {
                FileHandle.standardError.write(Data("crucible replay: key log \(keyLogPath): \(problem) (line ignored)\n".utf8))
            }
            keyLog = parsed
        }
        let options = ReplayOptions(
            icePasswords: icePasswords, protection: RTPProtection(rawValue: protection) ?? .automatic, srtpKeys: keys,
            payloadTypes: payloadTypes.compactMap(PayloadTypeAssignment.init(parsing:)), keyLog: keyLog, signalling: signalling, allUDP: allUDP)
        let datagrams: [ReplayDatagram]
        let skipped: Int
        do {
            let read = try CaptureReader(path: capture).udpDatagrams()
            datagrams = read.datagrams
            skipped = read.skipped
        } catch {
            FileHandle.standardError.write(Data("crucible replay: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        let report: ReplayReport
        if let html {
            let judged = ReplayChecker.checkWithLadder(datagrams, capture: capture, skippedFrames: skipped, options: options)
            report = judged.report
            try Data(HTMLReport.render(report, events: judged.events).utf8).write(to: URL(fileURLWithPath: html))
        } else {
            report = ReplayChecker.check(datagrams, capture: capture, skippedFrames: skipped, options: options)
        }
        print(json ? try report.json() : report.text(), terminator: json ? "\n" : "")
        throw ExitCode(report.exitCode)
    }

    /// `offer:FILE`, `answer:FILE` or `FILE`.
    static func sideAndPath(_ argument: String) -> (SessionSide?, String) {
        for (prefix, side) in [("offer:", SessionSide.offerer), ("answer:", .answerer)] where argument.hasPrefix(prefix) {
            return (side, String(argument.dropFirst(prefix.count)))
        }
        return (nil, argument)
    }
}
