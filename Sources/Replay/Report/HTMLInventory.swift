import Foundation

/// What the session carried as HTML tables: the content of ``ReplayReport``'s text inventory, one
/// table per kind of thing, each only when the session had any.
extension HTMLReport {
    /// One table cell: text (escaped when rendered) and an optional class.
    struct Cell {
        let text: String
        let style: String?

        init(_ text: String, style: String? = nil) {
            self.text = text
            self.style = style
        }

        static func number(_ value: Int) -> Cell { Cell(LadderRows.grouped(value), style: "number") }
    }

    /// A table with an id, headers and rows; a row may carry a class of its own.
    static func table(id: String, _ headers: [String], _ rows: [(style: String?, cells: [Cell])]) -> String {
        var html = "<table id=\"\(id)\"><tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for row in rows {
            html += "<tr\(row.style.map { " class=\"\($0)\"" } ?? "")>"
            html += row.cells.map { cell in "<td\(cell.style.map { " class=\"\($0)\"" } ?? "")>\(escape(cell.text))</td>" }.joined()
            html += "</tr>\n"
        }
        return html + "</table>\n"
    }

    static func inventory(_ report: ReplayReport) -> String {
        let inventory = report.inventory
        var html = ""
        if let signalling = inventory.signalling { html += self.signalling(signalling) }
        if !inventory.icePairs.isEmpty { html += icePairs(inventory.icePairs) }
        if !inventory.dtlsAssociations.isEmpty { html += dtlsAssociations(inventory.dtlsAssociations) }
        if !inventory.dataChannels.isEmpty { html += dataChannels(inventory.dataChannels) }
        if !inventory.mediaStreams.isEmpty { html += mediaStreams(inventory.mediaStreams) }
        return html.isEmpty ? "<p>No signalling, ICE check, DTLS handshake, data channel or media stream was seen.</p>\n" : html
    }

    /// The descriptions read and the DTLS client `a=setup` made (RFC 8842 §5).
    static func signalling(_ signalling: SignallingEntry) -> String {
        var html = "<h3>Signalling</h3>\n"
        let sources = signalling.sources.sorted { $0.key > $1.key }
        if sources.isEmpty {
            html += "<p>No description read.</p>\n"
        } else {
            html += table(id: "signalling", ["side", "description"], sources.map { (nil, [Cell($0.key), Cell($0.value)]) })
        }
        if let client = signalling.dtlsClient { html += "<p>DTLS client (a=setup): \(escape(client))</p>\n" }
        for problem in signalling.problems { html += "<p class=\"error\">Not read: \(escape(problem))</p>\n" }
        return html
    }

    /// Checked candidate pairs (RFC 8445 §7.2), nomination (§8.1.1) and consent (RFC 7675 §5.1).
    static func icePairs(_ pairs: [CandidatePairEntry]) -> String {
        "<h3>ICE candidate pairs</h3>\n"
            + table(
                id: "ice-pairs", ["flow", "checks from → to", "checking side", "checks", "successes", "errors", "nominated", "consent checks", "longest consent gap"],
                pairs.map { pair in
                    (pair.nominated ? "nominated" : nil, [
                        Cell("\(pair.flow)"), Cell("\(pair.from) → \(pair.to)"), Cell(pair.checkedBy ?? "—"),
                        .number(pair.requests), .number(pair.successes), .number(pair.errors), Cell(pair.nominated ? "yes" : "no"),
                        pair.nominated ? .number(pair.consentChecks) : Cell("—"),
                        Cell(pair.longestConsentGap.map { String(format: "%.1f s", $0) } ?? "—"),
                    ])
                })
    }

    /// Handshakes with their version, suite, SRTP profile (RFC 5764 §4.1.2) and certificates, each
    /// against its side's a=fingerprint (RFC 8122 §5): a mismatch in red.
    static func dtlsAssociations(_ associations: [DTLSAssociationEntry]) -> String {
        var html = "<h3>DTLS associations</h3>\n<table id=\"dtls-associations\"><tr><th>flow</th><th>client</th><th>version</th>"
            + "<th>cipher suite</th><th>SRTP profile</th><th>certificates (SHA-256)</th></tr>\n"
        for association in associations {
            let mismatch = association.certificatesMatchSignalling.values.contains(false)
            var client = association.clientDirection
            if let side = association.clientSide { client += " (\(side))" }
            html += "<tr\(mismatch ? " class=\"mismatch\"" : "")><td>\(association.flow)</td><td>\(escape(client))</td>"
                + "<td>\(escape(association.version ?? "unknown"))</td><td>\(escape(association.cipherSuite ?? "unknown"))</td>"
                + "<td>\(escape(association.srtpProfile ?? "—"))</td><td>"
            for (role, fingerprint) in association.certificates.sorted(by: { $0.key < $1.key }) {
                html += "<div>\(escape(role)): <span class=\"fingerprint\">\(escape(fingerprint))</span>"
                switch association.certificatesMatchSignalling[role] {
                case true?: html += " — matches a=fingerprint"
                case false?: html += " — <span class=\"mismatch\">matches no a=fingerprint</span>"
                case nil: break
                }
                html += "</div>"
            }
            html += "</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// Channels (RFC 8831) with how they opened (DCEP, RFC 8832 §5) and closed (RFC 8831 §6.7).
    static func dataChannels(_ channels: [DataChannelEntry]) -> String {
        "<h3>Data channels</h3>\n"
            + table(
                id: "data-channels",
                ["flow", "stream", "label", "protocol", "type", "opened", "messages a→b", "bytes a→b", "messages b→a", "bytes b→a", "closed"],
                channels.map { channel in
                    let type = channel.typeDescription ?? "—"
                    var opened = channel.establishment == "dcep" ? "DCEP" : channel.establishment
                    if let openedBy = channel.openedBy { opened += ", \(openedBy), \(channel.acknowledgement)" }
                    return (nil, [
                        Cell("\(channel.flow)"), Cell("\(channel.stream)"), Cell(channel.label ?? "—"),
                        Cell(channel.protocol.map { $0.isEmpty ? "(none)" : $0 } ?? "—"), Cell(type), Cell(opened),
                        .number(channel.messages["a->b"] ?? 0), .number(channel.bytes["a->b"] ?? 0),
                        .number(channel.messages["b->a"] ?? 0), .number(channel.bytes["b->a"] ?? 0), Cell(channel.closed ?? "open"),
                    ])
                })
    }

    /// RTP streams (RFC 3550) with loss and jitter (§A.3, §A.8) and RTX pairing (RFC 4588).
    static func mediaStreams(_ streams: [MediaStreamEntry]) -> String {
        "<h3>Media streams</h3>\n"
            + table(
                id: "media-streams",
                ["flow", "direction", "SSRC", "mid", "payload types", "packets", "bytes", "lost", "jitter", "RTX", "payloads read"],
                streams.map { stream in
                    let types = stream.payloadTypesInOrder.map { "\($0.payloadType) \($0.codec)" }
                    var read: [String] = []
                    if stream.opusPackets > 0 { read.append("\(LadderRows.grouped(stream.opusPackets)) Opus packets") }
                    if stream.vp8Frames > 0 { read.append("\(LadderRows.grouped(stream.vp8Frames)) VP8 frames") }
                    let rtx = stream.repairs.map { "repairs 0x" + String($0, radix: 16) } ?? (stream.isRetransmission ? "RTX" : "—")
                    return (nil, [
                        Cell("\(stream.flow)"), Cell(stream.direction), Cell("0x" + String(stream.ssrc, radix: 16)), Cell(stream.mid ?? "—"),
                        Cell(types.joined(separator: ", ")), .number(stream.packets), .number(stream.bytes), .number(stream.lost),
                        Cell(stream.jitterMilliseconds.map { String(format: "%.2f ms", $0) } ?? "—"), Cell(rtx),
                        Cell(read.isEmpty ? "—" : read.joined(separator: ", ")),
                    ])
                })
    }
}
