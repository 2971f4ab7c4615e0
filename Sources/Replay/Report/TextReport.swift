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
            lines.append("      \(flow.classification.summary)")
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
        if media.opusPackets > 0 || media.vp8Frames > 0 || !media.uncheckedPayloadTypes.isEmpty || media.rtxCompared + media.rtxPadding + media.rtxOriginalMissing > 0 {
            var parts: [String] = []
            if media.opusPackets > 0 { parts.append("\(media.opusPackets) Opus packets parsed") }
            if media.vp8Frames > 0 { parts.append("\(media.vp8Frames) VP8 frames reassembled (\(media.vp8KeyFrames) key)") }
            if media.rtxCompared + media.rtxPadding + media.rtxOriginalMissing > 0 {
                parts.append(
                    "RTX: \(media.rtxCompared) retransmission(s) matched their original, \(media.rtxOriginalMissing) whose original is not in the capture, \(media.rtxPadding) padding-only")
            }
            let unchecked = media.uncheckedPayloadTypes.sorted { $0.key < $1.key }.map { "PT \($0.key) × \($0.value)" }
            if !unchecked.isEmpty { parts.append("payloads not judged (no --payload-type): " + unchecked.joined(separator: ", ")) }
            lines.append("media: " + parts.joined(separator: "; "))
            lines.append("")
        }
        lines += inventoryLines()
        if !unjudged.isEmpty {
            lines.append("not judged:")
            for layer in unjudged { lines.append("  " + layer) }
            lines.append("")
        }
        if findings.isEmpty {
            lines.append("verdict: \(verdict)")
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
        lines.append("verdict: \(verdict)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The inventory as text: a section per kind of thing the session carried, each followed by a blank line.
    func inventoryLines() -> [String] {
        var lines: [String] = []
        if let signalling = inventory.signalling {
            let sources = signalling.sources.sorted { $0.key > $1.key }.map { "\($0.key) \($0.value)" }
            lines.append("signalling: " + (sources.isEmpty ? "none read" : sources.joined(separator: ", "))
                + (signalling.dtlsClient.map { "; DTLS client: \($0)" } ?? ""))
            for problem in signalling.problems { lines.append("  not read: \(problem)") }
            lines.append("")
        }
        lines += Self.section("ice pairs", inventory.icePairs) { pair in
            var text = "  [\(pair.flow)] \(pair.from) -> \(pair.to)"
            if let side = pair.checkedBy { text += " (\(side))" }
            text += ": \(pair.requests) check(s), \(pair.successes) success(es)"
            if pair.errors > 0 { text += ", \(pair.errors) error(s)" }
            if pair.nominated {
                text += "; nominated, \(pair.consentChecks) consent check(s)"
                if let gap = pair.longestConsentGap { text += String(format: ", longest gap %.1f s", gap) }
            }
            return [text]
        }
        lines += Self.section("dtls associations", inventory.dtlsAssociations) { association in
            var text = "  [\(association.flow)] client \(association.clientDirection)"
            if let side = association.clientSide { text += " (\(side))" }
            text += ", \(association.version ?? "version unknown"), suite \(association.cipherSuite ?? "unknown")"
            if let profile = association.srtpProfile { text += ", SRTP \(profile)" }
            return [text] + association.certificates.sorted(by: { $0.key < $1.key }).map { role, fingerprint in
                let match = association.certificatesMatchSignalling[role].map { $0 ? " (matches a=fingerprint)" : " (MATCHES NO a=fingerprint)" } ?? ""
                return "    \(role) certificate \(fingerprint)\(match)"
            }
        }
        lines += Self.section("data channels", inventory.dataChannels) { channel in
            var text = "  [\(channel.flow)] stream \(channel.stream)"
            if let label = channel.label { text += " \"\(label)\"" }
            if let name = channel.protocol, !name.isEmpty { text += " protocol \"\(name)\"" }
            if let type = channel.typeDescription { text += " \(type)" }
            text += ", \(channel.establishment)"
            if let openedBy = channel.openedBy { text += " opened \(openedBy), \(channel.acknowledgement)" }
            let traffic = ["a->b", "b->a"].map { "\($0) \(channel.messages[$0] ?? 0) msg / \(channel.bytes[$0] ?? 0) B" }
            text += "; " + traffic.joined(separator: ", ")
            if let closed = channel.closed { text += "; \(closed)" }
            return [text]
        }
        lines += Self.section("media streams", inventory.mediaStreams) { stream in
            var text = "  [\(stream.flow)] \(stream.direction) SSRC 0x\(String(stream.ssrc, radix: 16))"
            if let mid = stream.mid { text += " mid \(mid)" }
            let types = stream.payloadTypesInOrder.map { "PT \($0.payloadType) \($0.codec)" }
            text += " \(types.joined(separator: ", ")): \(stream.packets) packets, \(stream.bytes) B, \(stream.lost) lost"
            if let jitter = stream.jitterMilliseconds { text += String(format: ", jitter %.2f ms", jitter) }
            if let repaired = stream.repairs { text += ", repairs 0x\(String(repaired, radix: 16))" }
            if stream.opusPackets > 0 { text += ", \(stream.opusPackets) Opus packets" }
            if stream.vp8Frames > 0 { text += ", \(stream.vp8Frames) VP8 frames" }
            return [text]
        }
        return lines
    }

    /// A titled section: its entries' lines, then a blank line; nothing at all when there are no entries.
    private static func section<Entry>(_ title: String, _ entries: [Entry], _ lines: (Entry) -> [String]) -> [String] {
        entries.isEmpty ? [] : ["\(title):"] + entries.flatMap(lines) + [""]
    }

    /// The report as JSON (sorted keys, so output is stable).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
