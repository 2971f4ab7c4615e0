import Foundation
import Replay
import Testing

/// How the ladder collapses long runs of bulk packets into one row (``LadderRows``), as a table of
/// sessions: each a sequence of packets (frames numbered from 1) and the rows a reader sees, written
/// `1 2 [3–10]`: frames drawn on their own, and runs from their first to their last frame.
@Suite("Ladder rows: long runs of bulk packets collapse, handshakes and broken rules stay")
struct LadderRowsTests {
    /// One packet of a synthetic session.
    enum Packet: Sendable {
        case stun
        /// RTP a→b (or b→a) on flow 0, decrypted with a known codec.
        case rtp(back: Bool = false, flow: Int = 0)
        case rtcp
        case sctpData
        case sack
        case dcepOpen(String)
        case sctpInit
        case reconfig
        case protectedRecord
        case clientHello

        var kind: PacketKind {
            switch self {
            case .stun: .stun
            case .rtp: .rtp
            case .rtcp: .rtcp
            default: .dtls
            }
        }

        var label: String {
            switch self {
            case .stun: "Binding request"
            case .rtp: "RTP PT 111 opus seq 7 (120 B)"
            case .rtcp: "RTCP PT 200"
            case .sctpData: "SCTP DATA stream 1 (100 B)"
            case .sack: "SCTP SACK 42"
            case .dcepOpen(let label): "SCTP DCEP OPEN \"\(label)\" stream 1"
            case .sctpInit: "SCTP INIT"
            case .reconfig: "SCTP RE-CONFIG"
            case .protectedRecord: "application_data (epoch 1)"
            case .clientHello: "client_hello"
            }
        }
    }

    static func events(_ packets: [Packet]) -> [LadderEvent] {
        packets.enumerated().map { index, packet in
            var (flow, back) = (0, false)
            if case .rtp(let reverse, let on) = packet { (flow, back) = (on, reverse) }
            let (from, to) = back ? ("B", "A") : ("A", "B")
            return LadderEvent(
                frame: index + 1, flow: flow, seconds: Double(index) * 0.02, from: flow == 0 ? from : "C", to: flow == 0 ? to : "D",
                kind: packet.kind, label: packet.label, relayed: false)
        }
    }

    /// The rows as `1 2 [3–10]`.
    static func shape(_ rows: LadderRows) -> String {
        rows.rows.map { row in
            switch row {
            case .packet(let event, _): "\(event.frame)"
            case .run(let run): "[\(run.first.frame)–\(run.last.frame)]"
            }
        }.joined(separator: " ")
    }

    static func times(_ count: Int, _ packet: Packet) -> [Packet] { Array(repeating: packet, count: count) }

    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let packets: [Packet]
        var broken: [Int: [String]] = [:]
        var threshold = LadderRows.defaultThreshold
        let rows: String
    }

    static let cases: [Case] = [
        Case(description: "eight media packets after a check collapse into one row", packets: [.stun] + times(8, .rtp()), rows: "1 [2–9]"),
        Case(description: "seven media packets stay one row each", packets: [.stun] + times(7, .rtp()), rows: "1 2 3 4 5 6 7 8"),
        Case(
            description: "a run takes both directions of its flow", packets: (0..<5).flatMap { _ in [Packet.rtp(), .rtp(back: true)] },
            rows: "[1–10]"),
        Case(description: "RTP and RTCP are one kind of content", packets: times(6, .rtp()) + [.rtcp] + times(3, .rtp()), rows: "[1–10]"),
        Case(
            description: "a packet that breaks a rule ends the run and is drawn on its own",
            packets: times(21, .rtp()), broken: [11: ["RTP.version"]], rows: "[1–10] 11 [12–21]"),
        Case(
            description: "a rule broken inside a short remainder leaves the remainder unmerged",
            packets: times(12, .rtp()), broken: [10: ["RTP.version"]], rows: "[1–9] 10 11 12"),
        Case(description: "runs of different flows are not merged", packets: times(10, .rtp()) + times(10, .rtp(flow: 1)), rows: "[1–10] [11–20]"),
        Case(
            description: "interleaved flows make a run each, in the order they began",
            packets: (0..<10).flatMap { _ in [Packet.rtp(), .rtp(flow: 1)] }, rows: "[1–19] [2–20]"),
        Case(
            description: "media and SCTP data on one flow are different contents",
            packets: times(8, .rtp()) + times(8, .sctpData), rows: "[1–8] [9–16]"),
        Case(
            description: "SCTP DATA and SACK collapse together",
            packets: (0..<5).flatMap { _ in [Packet.sctpData, .sack] }, rows: "[1–10]"),
        Case(
            description: "the handshakes stay visible between runs",
            packets: [.stun, .clientHello, .sctpInit] + times(10, .sctpData) + [.dcepOpen("chat")] + times(10, .sctpData) + [.reconfig],
            rows: "1 2 3 [4–13] 14 [15–24] 25"),
        Case(description: "DCEP never collapses", packets: times(10, .dcepOpen("chat")), rows: "1 2 3 4 5 6 7 8 9 10"),
        Case(
            description: "a DCEP label dressed as bulk chunks is still DCEP",
            packets: times(10, .dcepOpen("x (1 B), SACK 1")), rows: "1 2 3 4 5 6 7 8 9 10"),
        Case(description: "DTLS records nobody opened collapse", packets: [.clientHello] + times(9, .protectedRecord), rows: "1 [2–10]"),
        Case(description: "DTLS handshake records never collapse", packets: times(9, .clientHello), rows: "1 2 3 4 5 6 7 8 9"),
        Case(description: "a threshold of Int.max draws every packet", packets: times(9, .rtp()), threshold: .max, rows: "1 2 3 4 5 6 7 8 9"),
        Case(description: "a threshold of 3 collapses three", packets: [.stun] + times(3, .rtp()) + [.stun] + times(2, .rtp()), threshold: 3, rows: "1 [2–4] 5 6 7"),
    ]

    @Test("Collapsing rules", arguments: cases)
    func collapsing(_ example: Case) {
        let events = Self.events(example.packets)
        let rows = LadderRows(events, brokenRules: example.broken, threshold: example.threshold)
        #expect(Self.shape(rows) == example.rows)
        #expect(rows.packets == events.count)
        // Every packet is in exactly one row.
        let counted = rows.rows.reduce(0) { total, row in
            if case .run(let run) = row { return total + run.packets }
            return total + 1
        }
        #expect(counted == events.count)
        for row in rows.rows {
            if case .packet(let event, let rules) = row { #expect(rules == example.broken[event.frame] ?? []) }
        }
    }

    @Test("A run's row counts what it holds: kinds, codecs, bytes, frames, seconds, both ways")
    func summary() throws {
        var events: [LadderEvent] = []
        for index in 0..<1_842 {
            let label = index < 900 ? "RTP PT 111 opus seq \(index) (120 B)" : index < 1_800 ? "RTP PT 96 VP8 seq \(index) (1000 B)" : "RTCP PT 201"
            let (from, to) = index.isMultiple(of: 2) ? ("A", "B") : ("B", "A")
            events.append(LadderEvent(
                frame: 120 + index, flow: 0, seconds: 1 + Double(index) * 12.3 / 1_841, from: from, to: to,
                kind: index < 1_800 ? .rtp : .rtcp, label: label, relayed: false))
        }
        let rows = LadderRows(events)
        guard case .run(let run)? = rows.rows.first else {
            Issue.record("no run: \(rows.rows.count) rows")
            return
        }
        #expect(rows.rows.count == 1)
        #expect(run.summary == "… 1,842 packets both ways: RTP ×1,800 (opus ×900, VP8 ×900, 1,008,000 B), RTCP ×42, frames 120–1961, 12.3 s")
        #expect(run.directions == "A → B 921, B → A 921")
        #expect(run.content == .media && run.flow == 0)
    }

    @Test("Encrypted RTP is counted by payload type; SCTP data by stream with its bytes")
    func detailsWithoutCodecs() {
        let media = LadderRows((0..<8).map { index in
            LadderEvent(frame: index, flow: 0, seconds: 0, from: "A", to: "B", kind: .rtp, label: "RTP PT 111 seq \(index)", relayed: false)
        })
        let data = LadderRows(Self.events((0..<4).flatMap { _ in [Packet.sctpData, .sack] }))
        guard case .run(let run)? = media.rows.first, case .run(let sctp)? = data.rows.first else {
            Issue.record("no run: \(media.rows), \(data.rows)")
            return
        }
        #expect(run.summary == "… 8 packets: RTP ×8 (PT 111 ×8), frames 0–7, 0.0 s")
        #expect(sctp.summary == "… 8 packets: DATA ×4 (stream 1 ×4, 400 B), SACK ×4, frames 1–8, 0.1 s")
    }

    @Test("What counts as bulk", arguments: [
        ("RTP PT 111 seq 1", PacketKind.rtp, LadderRows.Content?.some(.media)),
        ("RTCP PT 200", .rtcp, .media),
        ("SCTP DATA stream 1 (19 B)", .dtls, .sctpData),
        ("SCTP DATA stream 1 (19 B), SACK 3; SCTP SACK 4", .dtls, .sctpData),
        ("SCTP SACK 123", .dtls, .sctpData),
        ("SCTP DCEP OPEN \"chat\" stream 1", .dtls, nil),
        ("SCTP DATA stream 1 (19 B), DCEP ACK stream 1", .dtls, nil),
        ("SCTP INIT", .dtls, nil),
        ("SCTP HEARTBEAT", .dtls, nil),
        ("SCTP (malformed)", .dtls, nil),
        ("application_data (epoch 1)", .dtls, .protectedRecords),
        ("encrypted, encrypted", .dtls, .protectedRecords),
        ("handshake (epoch 1)", .dtls, nil),
        ("alert (epoch 1)", .dtls, nil),
        ("Binding request", .stun, nil),
    ])
    func bulk(label: String, kind: PacketKind, content: LadderRows.Content?) {
        let event = LadderEvent(frame: 1, flow: 0, seconds: 0, from: "A", to: "B", kind: kind, label: label, relayed: false)
        #expect(LadderRows.bulk(event) == content)
    }
}
