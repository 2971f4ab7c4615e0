import RTP
import Testing
import Wire

private func rejects<C: WireCodec>(_ codec: C.Type, _ bytes: [UInt8]) -> C.Rule? {
    do {
        _ = try C.parse(bytes)
        return nil
    } catch {
        return error.rule
    }
}

@Suite("Malformed RTP: each rule of RFC 3550 §5.1 and RFC 8285 named by its error")
struct MalformedRTPTests {
    /// V=2, CC=1, X=1, seq/ts/ssrc, one CSRC, a one-word 0xBEDE extension, 2 bytes of payload.
    static let valid: [UInt8] = [
        0x91, 0x60, 0x00, 0x01, 0, 0, 0, 2, 0, 0, 0, 3, 0xAA, 0xAA, 0xAA, 0xAA,
        0xBE, 0xDE, 0x00, 0x01, 0x10, 0x01, 0x02, 0x00, 0x55, 0x66,
    ]

    @Test("The reference packet is valid")
    func reference() throws {
        #expect(RTPCodec.serialize(try RTPCodec.parse(Self.valid)) == Self.valid)
    }

    @Test("Every truncation inside the header is rejected with the rule for the field it cuts")
    func truncations() {
        for length in 0..<24 {
            let rule = rejects(RTPCodec.self, Array(Self.valid.prefix(length)))
            let expected: RTPRule = length < 12 ? .truncated : length < 16 ? .csrcList : length < 20 ? .truncated : .extensionLength
            #expect(rule == expected, "prefix of \(length) bytes")
        }
    }

    static let table: [(String, [UInt8], RTPRule)] = [
        ("version 0", [0x00] + Array(valid.dropFirst()), .version),
        ("version 1", [0x51] + Array(valid.dropFirst()), .version),
        ("version 3", [0xD1] + Array(valid.dropFirst()), .version),
        ("padding count 0", [0xA0, 0x60] + Array(repeating: 0, count: 10) + [0x01, 0x00], .padding),
        ("padding longer than the payload", [0xA0, 0x60] + Array(repeating: 0, count: 10) + [0x01, 0x03], .padding),
        ("P bit with nothing after the header", [0xA0, 0x60] + Array(repeating: 0, count: 10), .padding),
        ("CC = 15 with two CSRCs present", [0x8F, 0x60] + Array(repeating: 0, count: 18), .csrcList),
        ("extension length past the end", [0x90, 0x60] + Array(repeating: 0, count: 10) + [0xBE, 0xDE, 0x00, 0x02, 0, 0, 0, 0], .extensionLength),
    ]

    @Test("Malformed RTP packets", arguments: table)
    func malformed(name: String, bytes: [UInt8], rule: RTPRule) {
        #expect(rejects(RTPCodec.self, bytes) == rule, "\(name)")
    }

    static let elementTable: [(String, RTPHeaderExtension, RTPRule)] = [
        ("one-byte element longer than the body", .init(profile: 0xBEDE, data: [0x13, 1, 2, 3]), .extensionElement),
        ("one-byte element with ID 0 and a length", .init(profile: 0xBEDE, data: [0x01, 1, 0, 0]), .extensionElement),
        ("two-byte header cut by the end", .init(profile: 0x1000, data: [0, 0, 0, 0x07]), .extensionElement),
        ("two-byte element longer than the body", .init(profile: 0x1000, data: [0x07, 0x05, 1, 2]), .extensionElement),
    ]

    @Test("Malformed RFC 8285 extension bodies", arguments: elementTable)
    func malformedElements(name: String, headerExtension: RTPHeaderExtension, rule: RTPRule) {
        do {
            _ = try RTPExtensionElements.decode(headerExtension)
            Issue.record("\(name): accepted")
        } catch {
            #expect(error.rule == rule, "\(name)")
        }
    }

    @Test("A typed extension value of the wrong size is RTP.extension-value", arguments: [
        RTPExtensionURI.absSendTime, RTPExtensionURI.transportWideCC, RTPExtensionURI.audioLevel,
        RTPExtensionURI.playoutDelay, RTPExtensionURI.transmissionOffset, RTPExtensionURI.absCaptureTime,
    ])
    func wrongSize(uri: String) {
        #expect(throws: RTPError.self) { try RTPExtensionValue.decode(uri: uri, data: [1, 2, 3, 4, 5]) }
    }

    @Test("ID 15 in the one-byte form stops processing; the rest is kept (RFC 8285 §4.2)")
    func stopID() throws {
        let elements = try #require(try RTPExtensionElements.decode(.init(profile: 0xBEDE, data: [0x10, 0x07, 0xF3, 0x99])))
        #expect(elements.items == [.element(.init(id: 1, data: [7])), .stopped([0xF3, 0x99])])
    }
}

@Suite("Malformed RTCP: each RFC 3550/4585/5104/3611/8888 rule named by its error")
struct MalformedRTCPTests {
    /// RR (one block) + SDES CNAME "ab" + PLI.
    static let compound: [UInt8] =
        [0x81, 0xC9, 0x00, 0x07, 0, 0, 0, 1] + [UInt8](repeating: 7, count: 24)
        + [0x81, 0xCA, 0x00, 0x03, 0, 0, 0, 1, 0x01, 0x02, 0x61, 0x62, 0, 0, 0, 0]
        + [0x81, 0xCE, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2]

    @Test("The reference compound is valid and breaks no compound rule")
    func reference() throws {
        let parsed = try RTCPCodec.parse(Self.compound)
        #expect(RTCPCodec.serialize(parsed) == Self.compound)
        #expect(parsed.violations.isEmpty)
    }

    @Test("Every cut that is not a packet boundary is rejected")
    func truncations() {
        let boundaries: Set<Int> = [32, 48, 60]
        for length in 0..<Self.compound.count where !boundaries.contains(length) {
            #expect(rejects(RTCPCodec.self, Array(Self.compound.prefix(length))) != nil, "prefix of \(length) bytes")
        }
    }

    static func packet(_ first: UInt8, _ type: UInt8, _ body: [UInt8], words: Int? = nil) -> [UInt8] {
        let length = words ?? (body.count + 3) / 4
        return [first, type, UInt8(length >> 8), UInt8(length & 0xFF)] + body
    }

    static let ssrc: [UInt8] = [0, 0, 0, 9]

    static let table: [(String, [UInt8], RTCPRule)] = [
        ("version 1", packet(0x40, 201, ssrc), .version),
        ("length past the datagram", packet(0x80, 201, ssrc, words: 2), .length),
        ("SR shorter than its sender info", packet(0x80, 200, ssrc + ssrc), .length),
        ("RC = 2 blocks in a one-block packet", packet(0x82, 201, ssrc + [UInt8](repeating: 0, count: 24)), .reportCount),
        ("padding count 0", packet(0xA0, 201, ssrc + [0, 0, 0, 0]), .padding),
        ("padding count past the body", packet(0xA0, 201, ssrc + [0, 0, 0, 9]), .padding),
        ("trailing bytes after the last packet", packet(0x80, 201, ssrc) + [0x80, 0xC9], .truncated),
        ("SDES item running past the chunk", packet(0x81, 202, ssrc + [1, 9, 0x61, 0]), .sdesItem),
        ("SDES chunk without a null octet", packet(0x81, 202, ssrc + [1, 2, 0x61, 0x62]), .sdesTerminator),
        ("SDES null padding not zero", packet(0x81, 202, ssrc + [1, 2, 0x61, 0x62, 0, 5, 0, 0]), .sdesTerminator),
        ("SDES PRIV prefix longer than the item", packet(0x81, 202, ssrc + [8, 2, 5, 0x61, 0, 0, 0, 0]), .sdesItem),
        ("SDES bytes after SC chunks", packet(0x81, 202, ssrc + [0, 0, 0, 0] + ssrc), .reportCount),
        ("BYE reason past the end", packet(0x81, 203, ssrc + [9, 0x61, 0x62, 0x63]), .byeReason),
        ("BYE reason followed by a stray word", packet(0x81, 203, ssrc + [1, 0x61, 0, 0, 0, 0, 0, 0]), .byeReason),
        ("APP data not whole words", packet(0xA0, 204, ssrc + [0x41, 0x42, 0x43, 0x44, 1, 2, 3, 3]), .appData),
        ("NACK without entries", packet(0x81, 205, ssrc + ssrc), .feedbackLength),
        ("RTPFB without media SSRC", packet(0x81, 205, ssrc), .feedbackLength),
        ("TMMBR of half an entry", packet(0x83, 205, ssrc + ssrc + [1, 2, 3, 4]), .feedbackLength),
        ("PLI with an FCI", packet(0x81, 206, ssrc + ssrc + [1, 2, 3, 4]), .feedbackLength),
        ("FIR of half an entry", packet(0x84, 206, ssrc + ssrc + [1, 2, 3, 4]), .feedbackLength),
        ("SLI without entries", packet(0x82, 206, ssrc + ssrc), .feedbackLength),
        ("RPSI padding longer than its bit string", packet(0x83, 206, ssrc + ssrc + [17, 96, 0xAB, 0xCD]), .rpsiPadding),
        ("REMB Num SSRC past the end", packet(0x8F, 206, ssrc + [0, 0, 0, 0] + Array("REMB".utf8) + [2, 0, 0, 1] + ssrc), .rembFormat),
        ("TWCC chunks not covering the status count",
         packet(0xAF, 205, ssrc + ssrc + [0, 1, 0, 20, 0, 0, 0, 0, 0x20, 0x05, 0, 2]), .twccStatus),
        ("TWCC reserved symbol 3", packet(0x8F, 205, ssrc + ssrc + [0, 1, 0, 1, 0, 0, 0, 0, 0x60, 0x01, 0, 0]), .twccStatus),
        ("TWCC deltas cut", packet(0x8F, 205, ssrc + ssrc + [0, 1, 0, 2, 0, 0, 0, 0, 0x40, 0x02, 1, 2]), .twccDeltas),
        ("TWCC a word after the deltas",
         packet(0x8F, 205, ssrc + ssrc + [0, 1, 0, 1, 0, 0, 0, 0, 0x20, 0x01, 5, 0, 0, 0, 0, 0]), .twccDeltas),
        ("RFC 8888 metrics past the end", packet(0x8B, 205, ssrc + ssrc + [0, 1, 0, 9] + ssrc), .ccfbBlock),
        ("XR block past the end", packet(0x80, 207, ssrc + [42, 0, 0, 3, 0, 0, 0, 0]), .xrBlock),
        ("XR receiver reference time of 1 word", packet(0x80, 207, ssrc + [4, 0, 0, 1, 0, 0, 0, 0]), .xrBlock),
        ("XR DLRR of 2 words", packet(0x80, 207, ssrc + [5, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]), .xrBlock),
    ]

    @Test("Malformed RTCP packets", arguments: table)
    func malformed(name: String, bytes: [UInt8], rule: RTCPRule) {
        #expect(rejects(RTCPCodec.self, bytes) == rule, "\(name)")
    }

    @Test("Compound rules are reported, not thrown: SDES first, no CNAME, padding mid-compound (RFC 3550 §6.1)")
    func compoundViolations() throws {
        let sdesNoCNAME = Self.packet(0x81, 202, Self.ssrc + [2, 1, 0x61, 0])
        let paddedRR = Self.packet(0xA0, 201, Self.ssrc + [0, 0, 0, 4])
        let parsed = try RTCPCodec.parse(sdesNoCNAME + paddedRR + sdesNoCNAME)
        #expect(parsed.violations.map(\.rule) == [.compoundFirstPacket, .compoundCNAME, .compoundPadding])
    }

    @Test("RFC 5761 §4: second octet 192–223 is RTCP, anything else RTP")
    func demultiplexing() {
        #expect(RTPMultiplexKind(datagram: [0x80, 191]) == .rtp)
        #expect(RTPMultiplexKind(datagram: [0x80, 192]) == .rtcp)
        #expect(RTPMultiplexKind(datagram: [0x80, 223]) == .rtcp)
        #expect(RTPMultiplexKind(datagram: [0x80, 224]) == .rtp)
        #expect(RTPMultiplexKind(datagram: [0x80]) == nil)
    }
}

@Suite("Malformed Opus packets: RFC 6716 §3.4 requirements R1–R7")
struct MalformedOpusTests {
    static let table: [(String, [UInt8], OpusRule)] = [
        ("R1: empty packet", [], .empty),
        ("R3: code 1 with an odd payload", [0x01, 1, 2, 3], .code1Length),
        ("code 2 without its length byte", [0x02], .truncated),
        ("code 2 second length byte missing", [0x02, 0xFC], .truncated),
        ("R4: code 2 first frame past the end", [0x02, 5, 1, 2], .frameLength),
        ("R2: code 0 frame of 1276 bytes", [0x00] + [UInt8](repeating: 0, count: 1276), .frameLength),
        ("code 3 without its count byte", [0x03], .truncated),
        ("R5: code 3 with M = 0", [0x03, 0x00], .frameCount),
        ("R5: 3 × 60 ms exceeds 120 ms", [0x1B, 0x03, 0, 0, 0], .duration),
        ("R6: CBR bytes not divisible by M", [0x03, 0x02, 1, 2, 3], .cbrLength),
        ("R7: padding longer than the packet", [0x03, 0x41, 0x09, 1], .padding),
        ("padding length byte missing", [0x03, 0x41], .truncated),
        ("VBR lengths past the end", [0x03, 0x82, 0x09, 1], .frameLength),
    ]

    @Test("Malformed Opus packets", arguments: table)
    func malformed(name: String, bytes: [UInt8], rule: OpusRule) {
        #expect(rejects(OpusPayloadCodec.self, bytes) == rule, "\(name)")
    }
}
