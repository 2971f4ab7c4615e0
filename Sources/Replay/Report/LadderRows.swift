/// The rows of the ladder diagram: one per packet, except that long runs of bulk packets — media, SCTP
/// DATA and SACK, DTLS records nobody could open — collapse into one row with their counts, so that
/// the packets that set a session up or tear it down (STUN, the DTLS handshake, SCTP INIT and COOKIE,
/// DCEP, RE-CONFIG, ABORT …) stay visible on a capture of thousands of packets.
///
/// The rule:
/// - A packet is *bulk* when ``bulk(_:)`` names its content: RTP or RTCP (RFC 3550), SCTP packets
///   carrying nothing but DATA without DCEP and SACK chunks (RFC 9260 §3.3.1, §3.3.4), or protected
///   DTLS records whose content stays unknown (`application_data`, DTLS 1.3 `encrypted`).
/// - Every other packet, and every packet that breaks a rule, is a row of its own, and it ends every
///   open run: no row drawn on its own ever falls inside the span of a collapsed run.
/// - Between two such rows, the bulk packets of one flow with one kind of content form a run, in both
///   directions; runs of different flows or contents may interleave in time and stay separate rows,
///   ordered by their first packet.
/// - A run of at least `threshold` packets is one row; a shorter run is drawn packet by packet.
public struct LadderRows: Hashable, Sendable {
    /// What a run carries.
    public enum Content: String, Hashable, Sendable {
        /// RTP and RTCP, plain or protected.
        case media
        /// SCTP DATA (not DCEP) and SACK chunks, from decrypted DTLS records.
        case sctpData = "sctp-data"
        /// DTLS records whose content was not opened (no key log, or DTLS 1.3 ciphertext).
        case protectedRecords = "protected-records"
    }

    /// One name counted in a run: `RTP`, `opus`, `stream 1` …, in the order first seen.
    public struct Tally: Hashable, Sendable {
        public let name: String
        public var count: Int
    }

    /// Consecutive bulk packets of one flow and one content, collapsed.
    public struct Run: Hashable, Sendable {
        public let content: Content
        /// The run's first packet: its flow, lanes and time.
        public let first: LadderEvent
        public private(set) var last: LadderEvent
        public private(set) var packets = 0
        /// Packets going the first packet's way, and the other way.
        public private(set) var forward = 0
        public private(set) var backward = 0
        /// Packets by what they are (`RTP`, `RTCP`, `DATA`, `SACK`, `application_data`).
        public private(set) var kinds: [Tally] = []
        /// RTP by codec (`opus`, or `PT 111` when the descriptions do not say), DATA by stream.
        public private(set) var details: [Tally] = []
        /// User data bytes of the DATA chunks, or payload bytes of clear RTP, where the labels say.
        public private(set) var bytes = 0

        init(content: Content, first: LadderEvent) {
            self.content = content
            self.first = first
            self.last = first
        }

        public var flow: Int { first.flow }
        /// Packets went both ways.
        public var bothWays: Bool { forward > 0 && backward > 0 }

        mutating func add(_ event: LadderEvent) {
            packets += 1
            last = event
            if event.from == first.from { forward += 1 } else { backward += 1 }
            for (kind, detail, size) in LadderRows.parts(of: event, content: content) {
                Self.count(kind, in: &kinds)
                if let detail { Self.count(detail, in: &details) }
                bytes += size
            }
        }

        private static func count(_ name: String, in tallies: inout [Tally]) {
            if let index = tallies.firstIndex(where: { $0.name == name }) {
                tallies[index].count += 1
            } else {
                tallies.append(Tally(name: name, count: 1))
            }
        }

        /// The row's text: `… 1,842 packets both ways: RTP ×1,800 (opus ×900, VP8 ×900), RTCP ×42, frames 120–1961, 12.3 s`.
        public var summary: String {
            var parts = kinds.map { tally -> String in
                var text = "\(tally.name) ×\(LadderRows.grouped(tally.count))"
                let inner = tally.name == "RTP" || tally.name == "DATA" ? details : []
                var notes = inner.map { "\($0.name) ×\(LadderRows.grouped($0.count))" }
                if tally.name == "DATA" || tally.name == "RTP", bytes > 0 { notes.append("\(LadderRows.grouped(bytes)) B") }
                if !notes.isEmpty { text += " (" + notes.joined(separator: ", ") + ")" }
                return text
            }
            parts.append("frames \(first.frame)–\(last.frame)")
            parts.append(String(format: "%.1f s", last.seconds - first.seconds))
            return "… \(LadderRows.grouped(packets)) packets\(bothWays ? " both ways" : ""): " + parts.joined(separator: ", ")
        }

        /// The directions in words, for a tooltip: `A → B 900, B → A 942`.
        public var directions: String {
            var parts: [String] = []
            if forward > 0 { parts.append("\(first.from) → \(first.to) \(LadderRows.grouped(forward))") }
            if backward > 0 { parts.append("\(first.to) → \(first.from) \(LadderRows.grouped(backward))") }
            return parts.joined(separator: ", ")
        }
    }

    /// One drawn row.
    public enum Row: Hashable, Sendable {
        /// A packet on its own, with the rules it breaks (none for a handshake or a short run's packet).
        case packet(LadderEvent, brokenRules: [String])
        case run(Run)

        /// The packet that opens the row.
        public var first: LadderEvent {
            switch self {
            case .packet(let event, _): event
            case .run(let run): run.first
            }
        }
    }

    /// The smallest run that collapses.
    public let threshold: Int
    public let rows: [Row]
    /// The packets the rows stand for.
    public let packets: Int

    /// Runs of eight and more collapse: a handful of arrows stays readable, and a media second is ~50.
    public static let defaultThreshold = 8

    /// - Parameters:
    ///   - events: the ladder's packets in capture order.
    ///   - brokenRules: frame → ids of the rules it breaks; such packets are never collapsed.
    ///   - threshold: the smallest run that collapses (`Int.max`: none does).
    public init(_ events: [LadderEvent], brokenRules: [Int: [String]] = [:], threshold: Int = LadderRows.defaultThreshold) {
        self.threshold = threshold
        packets = events.count
        var rows: [Row] = []
        // The bulk packets since the last row drawn on its own, with their positions.
        var pending: [(index: Int, event: LadderEvent, content: Content)] = []
        func flush() {
            struct Key: Hashable {
                let flow: Int
                let content: Content
            }
            var runs: [Key: (index: Int, run: Run, members: [(Int, LadderEvent)])] = [:]
            for (index, event, content) in pending {
                let key = Key(flow: event.flow, content: content)
                var entry = runs[key] ?? (index, Run(content: content, first: event), [])
                entry.run.add(event)
                entry.members.append((index, event))
                runs[key] = entry
            }
            var placed: [(index: Int, row: Row)] = []
            for entry in runs.values {
                if entry.run.packets >= threshold {
                    placed.append((entry.index, .run(entry.run)))
                } else {
                    placed += entry.members.map { ($0.0, .packet($0.1, brokenRules: [])) }
                }
            }
            rows += placed.sorted { $0.index < $1.index }.map(\.row)
            pending.removeAll(keepingCapacity: true)
        }
        for (index, event) in events.enumerated() {
            let broken = brokenRules[event.frame] ?? []
            if broken.isEmpty, let content = Self.bulk(event) {
                pending.append((index, event, content))
            } else {
                flush()
                rows.append(.packet(event, brokenRules: broken))
            }
        }
        flush()
        self.rows = rows
    }

    /// The bulk content a packet carries, from its kind and its label (``Ladder``'s wording), or nil
    /// for a packet that is always drawn on its own.
    public static func bulk(_ event: LadderEvent) -> Content? {
        switch event.kind {
        case .rtp, .rtcp:
            return .media
        case .dtls:
            let records = event.label.components(separatedBy: "; ")
            if records.allSatisfy({ sctpChunks($0)?.allSatisfy(isBulkChunk) == true }) { return .sctpData }
            let outer = event.label.components(separatedBy: ", ")
            if outer.allSatisfy({ $0 == "encrypted" || ($0.hasPrefix("application_data (epoch ") && $0.hasSuffix(")")) }) {
                return .protectedRecords
            }
            return nil
        default:
            return nil
        }
    }

    /// The chunks of one decrypted record's label, `SCTP DATA stream 1 (19 B), SACK 7`, or nil.
    static func sctpChunks(_ record: String) -> [String]? {
        guard record.hasPrefix("SCTP ") else { return nil }
        return record.dropFirst("SCTP ".count).components(separatedBy: ", ")
    }

    /// DATA that is not DCEP (``Ladder`` names DCEP messages instead), and SACK. A DCEP label, whatever
    /// its quoted text, has a chunk beginning `DCEP`, so it is never taken for bulk.
    static func isBulkChunk(_ chunk: String) -> Bool {
        let words = chunk.split(separator: " ")
        if words.first == "SACK" { return words.count == 2 && UInt32(words[1]) != nil }
        return words.count == 5 && words[0] == "DATA" && words[1] == "stream" && UInt16(words[2]) != nil
            && words[3].hasPrefix("(") && Int(words[3].dropFirst()) != nil && words[4] == "B)"
    }

    /// What a bulk packet counts as: its kind, a detail (codec, stream), and bytes the label gives.
    static func parts(of event: LadderEvent, content: Content) -> [(kind: String, detail: String?, bytes: Int)] {
        switch content {
        case .media:
            guard event.kind == .rtp else { return [("RTCP", nil, 0)] }
            // `RTP PT 111 opus seq 7 (120 B)` after decryption with a known codec, `RTP PT 111 seq 7` otherwise.
            let words = event.label.split(separator: " ")
            guard words.count >= 5, words[0] == "RTP", words[1] == "PT" else { return [("RTP", nil, 0)] }
            let detail = words[3] == "seq" ? "PT \(words[2])" : String(words[3])
            let size = words.count >= 2 && words[words.count - 1] == "B)" ? Int(words[words.count - 2].dropFirst()) ?? 0 : 0
            return [("RTP", detail, size)]
        case .sctpData:
            return event.label.components(separatedBy: "; ").flatMap { sctpChunks($0) ?? [] }.map { chunk in
                let words = chunk.split(separator: " ")
                guard words.first == "DATA", words.count == 5 else { return ("SACK", nil, 0) }
                return ("DATA", "stream \(words[2])", Int(words[3].dropFirst()) ?? 0)
            }
        case .protectedRecords:
            return event.label.components(separatedBy: ", ").map { ($0 == "encrypted" ? "encrypted" : "application_data", nil, 0) }
        }
    }

    /// `1842` as `1,842`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var text = value < 0 ? "-" : ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { text += "," }
            text.append(digit)
        }
        return text
    }
}
