import Foundation

extension ReplayReport {
    /// The human report: a per-flow summary, then findings grouped by rule with their frames.
    ///
    /// - Parameter limit: how many occurrences to print per rule before summarising the rest.
    public func text(limit: Int = 10) -> String {
        var lines = ["capture \(capture): \(udpDatagrams) UDP datagrams, \(skippedFrames) other frames skipped", ""]
        lines.append("flows:")
        for flow in flows {
            let counts = flow.packets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let relay = flow.relayedThrough.map { " relayed through flow \($0)" } ?? ""
            let span = String(format: "%.3f", Double(flow.lastTime - flow.firstTime) / 1e9)
            lines.append("  [\(flow.id)] \(flow.a) <-> \(flow.b)\(relay): \(counts); frames \(flow.firstFrame)–\(flow.lastFrame), \(span) s")
        }
        lines.append("")
        if let dtls {
            lines.append(
                "dtls: \(dtls.keyedHandshakes) handshake(s) keyed, \(dtls.missingKeys) without key; \(dtls.decrypted) records decrypted "
                    + "(\(dtls.applicationData) application data, \(sctpPackets) SCTP packets judged), \(dtls.failed) failed, "
                    + "\(dtls.undecrypted) left undecrypted, \(dtls.closeNotify) close_notify")
            lines.append("")
        }
        if let decryption {
            var keyed = decryption.keyedSSRCs.map { "0x" + String($0, radix: 16) }
            if decryption.keyedDirections > 0 { keyed.append("\(decryption.keyedDirections) DTLS-SRTP direction(s)") }
            lines.append("srtp: keys for \(keyed.joined(separator: ", ")); \(decryption.authenticated) packets authenticated and decrypted, \(decryption.failed) failed, \(decryption.replayed) replayed")
            lines.append("")
        }
        if media.opusPackets > 0 || media.vp8Frames > 0 || !media.uncheckedPayloadTypes.isEmpty {
            var parts: [String] = []
            if media.opusPackets > 0 { parts.append("\(media.opusPackets) Opus packets parsed") }
            if media.vp8Frames > 0 { parts.append("\(media.vp8Frames) VP8 frames reassembled (\(media.vp8KeyFrames) key)") }
            let unchecked = media.uncheckedPayloadTypes.sorted { $0.key < $1.key }.map { "PT \($0.key) × \($0.value)" }
            if !unchecked.isEmpty { parts.append("payloads not judged (no --payload-type): " + unchecked.joined(separator: ", ")) }
            lines.append("media: " + parts.joined(separator: "; "))
            lines.append("")
        }
        if findings.isEmpty {
            lines.append("verdict: conformant (no rule broken)")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("findings:")
        for group in findings {
            lines.append("  \(group.rule.severity.rawValue) \(group.rule.id) (\(group.rule.reference)) × \(group.count): \(group.rule.summary)")
            for occurrence in group.occurrences.prefix(limit) {
                let flow = occurrence.flow.map { " flow \($0)" } ?? ""
                lines.append("    frame \(occurrence.frame)\(flow): \(occurrence.detail)")
            }
            if group.count > limit { lines.append("    … and \(group.count - limit) more") }
        }
        lines.append("")
        let errors = findings.filter { $0.rule.severity == .error }.reduce(0) { $0 + $1.count }
        lines.append(hasErrors ? "verdict: \(errors) error(s) — not conformant" : "verdict: conformant (warnings and notes only)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as JSON (sorted keys, so output is stable).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
