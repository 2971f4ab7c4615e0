/// How Wireshark's dissectors are asked about one differential target, and how one frame of tshark's
/// `-T fields` output becomes a `CanonicalVerdict` in the keys `DifferentialTarget.ourVerdict` prints.
///
/// Every input travels as the payload of one UDP datagram to `port`, which tshark is told to decode as
/// `dissector` (`-d udp.port==N,dissector`). SCTP rides the UDP encapsulation of RFC 6951 (§5: the SCTP
/// common header and chunks as the UDP payload), which Wireshark's SCTP dissector decodes in full.
struct TsharkDissection: Sendable {
    /// Wireshark's name of the dissector, also its name in `frame.protocols`.
    let dissector: String
    /// The UDP destination port the frames are sent to.
    let port: UInt16
    /// Wireshark's preferences set for this target (`-o name:value`).
    let preferences: [String]
    /// The fields printed after the common ones (`TsharkDissection.commonFields`), in order.
    let fields: [String]
    /// The verdict on a frame the dissector took without refusing it, from the values of `fields` (each
    /// a list of occurrences): usually an acceptance with the canonical fields.
    let accepting: @Sendable ([[String]]) -> CanonicalVerdict

    /// Printed first for every target: the frame number (which input), the protocols dissected, and each
    /// expert item's severity, group and message (the group is not used; it shows in reports).
    static let commonFields = ["frame.number", "frame.protocols", "_ws.expert.severity", "_ws.expert.group", "_ws.expert.message"]

    /// Wireshark's expert severity PI_ERROR (epan/proto.h): exceptions ("Malformed Packet") and bad checksums.
    static let errorSeverity: UInt32 = 0x0080_0000
    /// PI_WARN.
    static let warnSeverity: UInt32 = 0x0060_0000

    /// The dissection of `target`; nil for SDP, which Wireshark decodes only inside SIP or other carriers
    /// (there is no stand-alone SDP dissector to decode a UDP payload as).
    static func of(_ target: DifferentialTarget) -> TsharkDissection? {
        switch target {
        case .stun: stun
        case .rtp: rtp
        case .rtcp: rtcp
        case .sctp: sctp
        case .sdp: nil
        }
    }

    /// The verdict on one frame: refused when the dissector did not take the payload or flagged an error:
    /// an exception ("Malformed Packet": a field read past the end) or an expert item of error severity (a
    /// bad checksum, a length that contradicts the data). Warnings and notes, malformed group included,
    /// are Wireshark's comments on a packet it still decoded (an unknown attribute, a string not
    /// null-padded, padding on a packet that is not the last): they are not refusals.
    func verdict(columns: [String]) -> CanonicalVerdict {
        func list(_ index: Int) -> [String] {
            guard index < columns.count, !columns[index].isEmpty else { return [] }
            return columns[index].split(separator: Self.aggregator, omittingEmptySubsequences: false).map(String.init)
        }
        let protocols = list(1).first.map { $0.split(separator: ":").map(String.init) } ?? []
        guard protocols.contains(dissector) else { return .reject("not dissected as \(dissector) (\(protocols.joined(separator: ":")))") }
        let severities = list(2).map { UInt32($0) ?? 0 }
        let messages = list(4)
        guard !severities.contains(where: { $0 >= Self.errorSeverity }) else {
            // The errors first, then the warnings, which say what an exception ("Malformed Packet") was about.
            let indices = severities.indices.filter { $0 < messages.count }
            let errors = indices.filter { severities[$0] >= Self.errorSeverity }
            let warnings = indices.filter { severities[$0] >= Self.warnSeverity && severities[$0] < Self.errorSeverity }
            return .reject((errors + warnings).map { messages[$0] }.joined(separator: "; "))
        }
        return accepting(fields.indices.map { list(Self.commonFields.count + $0) })
    }

    /// The separator of a field's occurrences (`-E aggregator=`): the ASCII unit separator, which no
    /// value or expert message holds, so that messages with commas stay whole.
    static let aggregator: Character = "\u{1F}"

    // MARK: - Targets

    /// STUN (RFC 8489 §5, §14): the type, the transaction ID, the attribute types. Wireshark's STUN
    /// dissector also decodes TURN ChannelData (RFC 8656 §12: the first two bits 01); that is not a STUN
    /// message, so it is a refusal here, as it is for our STUN codec.
    static let stun = TsharkDissection(
        dissector: "stun", port: 3478, preferences: [], fields: ["stun.type", "stun.id", "stun.att.type", "stun.channel"]
    ) { values in
        guard let type = values[0].first else {
            return .reject(values[3].isEmpty ? "no STUN message type" : "TURN ChannelData (RFC 8656 §12), not a STUN message")
        }
        var fields = [CanonicalField("type", hexDigits(type, width: 4))]
        if let id = values[1].first { fields.append(CanonicalField("tid", hexDigits(id, width: 24))) }
        fields.append(CanonicalField("attrs", values[2].map { hexDigits($0, width: 4) }.joined(separator: ",")))
        return .accept(fields)
    }

    /// RTP (RFC 3550 §5.1): the fixed header, the CSRC list, the payload's length (when Wireshark shows
    /// the payload as bytes; an empty one is not compared). A second byte of 192–223 Wireshark reads as
    /// RTCP multiplexed on the port (RFC 5761 §4): no RTP header, a refusal here.
    static let rtp = TsharkDissection(
        dissector: "rtp", port: 5004, preferences: [],
        fields: [
            "rtp.version", "rtp.padding", "rtp.ext", "rtp.cc", "rtp.marker", "rtp.p_type", "rtp.seq", "rtp.timestamp",
            "rtp.ssrc", "rtp.csrc.item", "rtp.payload",
        ]
    ) { values in
        // Without a version field Wireshark decoded no RTP header: it handed the bytes to RTCP (RFC 5761 §4).
        guard !values[0].isEmpty else { return .reject("no RTP header decoded") }
        let names = ["v", "p", "x", "cc", "m", "pt", "seq", "ts"]
        var fields: [CanonicalField] = zip(names, values).compactMap { name, value in value.first.map { CanonicalField(name, $0) } }
        if let ssrc = values[8].first { fields.append(CanonicalField("ssrc", hexDigits(ssrc, width: 8))) }
        fields.append(CanonicalField("csrcs", values[9].map { hexDigits($0, width: 8) }.joined(separator: ",")))
        if let payload = values[10].first { fields.append(CanonicalField("payload", String(payload.count / 2))) }
        return .accept(fields)
    }

    /// RTCP (RFC 3550 §6.1, §6.4.1): each packet of the compound as `type:bytes` (the `layout` key), the
    /// bytes being the length field plus one, in 32-bit words. Wireshark names the header's 5-bit count
    /// differently per packet type (`rtcp.rc`, `rtcp.sc`, `rtcp.rtpfb.fmt`, …), so it is not compared.
    static let rtcp = TsharkDissection(dissector: "rtcp", port: 5005, preferences: [], fields: ["rtcp.pt", "rtcp.length"]) { values in
        // A packet type Wireshark does not know gets no `rtcp.pt`; then the layout is not compared.
        guard !values[0].isEmpty, values[0].count == values[1].count else { return .accept([]) }
        let packets = zip(values[0], values[1]).map { type, length in "\(type):\(((Int(length) ?? -1) + 1) * 4)" }
        return .accept([CanonicalField("layout", packets.joined(separator: ","))])
    }

    /// SCTP (RFC 9260 §3.1, §3.2): the common header and the chunk types. The CRC32c checksum (§6.8) is
    /// checked, as our codec checks it; Wireshark's TSN analysis, which links frames, is off.
    static let sctp = TsharkDissection(
        dissector: "sctp", port: 9899, preferences: ["sctp.checksum:CRC-32C", "sctp.tsn_analysis:FALSE"],
        fields: ["sctp.srcport", "sctp.dstport", "sctp.verification_tag", "sctp.chunk_type"]
    ) { values in
        var fields: [CanonicalField] = []
        if let source = values[0].first { fields.append(CanonicalField("src", source)) }
        if let destination = values[1].first { fields.append(CanonicalField("dst", destination)) }
        if let tag = values[2].first { fields.append(CanonicalField("vtag", hexDigits(tag, width: 8))) }
        let chunks = values[3].map { UInt8($0).map { DifferentialTarget.hex($0, width: 2) } ?? $0 }
        fields.append(CanonicalField("chunks", chunks.joined(separator: ",")))
        return .accept(fields)
    }

    /// A tshark hex value (`0x0101`, or bare digits) as `width` lower-case digits, as our side writes it.
    static func hexDigits(_ value: String, width: Int) -> String {
        let digits = (value.hasPrefix("0x") ? String(value.dropFirst(2)) : value).lowercased()
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
