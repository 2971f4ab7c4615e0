import JSEP
import SDP
import Testing

/// Each refusal of `OfferAnswer.parse`, reached by a minimal bad description that differs from a valid one in
/// one line.
@Suite("Description errors")
struct ErrorTests {
    /// The error's case, attribute and value (or mid): what a test pins down, without the prose.
    static func key(_ error: JSEPError) -> String {
        switch error {
        case .invalidSDP(let error): "invalidSDP(\(error.rule.id))"
        case .missingAttribute(let name, let mid): "missingAttribute(\(name), mid: \(mid ?? "nil"))"
        case .invalidAttribute(let name, let value, _): "invalidAttribute(\(name), \(value))"
        case .invalidState(let state, let type, let source): "invalidState(\(state), \(type), \(source))"
        case .mismatchedAnswer: "mismatchedAnswer"
        case .noDataSection: "noDataSection"
        case .invalidCandidate: "invalidCandidate"
        case .unknownMediaSection(let mid, let index): "unknownMediaSection(\(mid ?? "nil"), \(index.map(String.init) ?? "nil"))"
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let type: DescriptionType
        let lines: [String]
        let expected: String
        var testDescription: String { name }
    }

    static let valid = Fixtures.minimalOfferLines
    static let fingerprintLine = valid.first { $0.hasPrefix("a=fingerprint") } ?? ""

    static func replacing(_ prefix: String, with replacement: String?) -> [String] {
        valid.compactMap { $0.hasPrefix(prefix) ? replacement : $0 }
    }

    static let rows: [Row] = [
        Row(name: "not SDP (v=1): the codec's error with its rule", type: .offer,
            lines: replacing("v=", with: "v=1"), expected: "invalidSDP(SDP.version)"),
        Row(name: "no a=ice-ufrag (RFC 8839 §5.4)", type: .offer,
            lines: replacing("a=ice-ufrag", with: nil), expected: "missingAttribute(ice-ufrag, mid: 0)"),
        Row(name: "no a=ice-pwd (RFC 8839 §5.4)", type: .offer,
            lines: replacing("a=ice-pwd", with: nil), expected: "missingAttribute(ice-pwd, mid: 0)"),
        Row(name: "no a=fingerprint (RFC 8122 §5, RFC 8842 §5)", type: .offer,
            lines: replacing("a=fingerprint", with: nil), expected: "missingAttribute(fingerprint, mid: 0)"),
        Row(name: "no a=setup (RFC 8842 §5)", type: .offer,
            lines: replacing("a=setup", with: nil), expected: "missingAttribute(setup, mid: 0)"),
        Row(name: "ice-ufrag of 3 characters (RFC 8839 §5.4: at least 4)", type: .offer,
            lines: replacing("a=ice-ufrag", with: "a=ice-ufrag:abc"), expected: "invalidAttribute(ice-ufrag, abc)"),
        Row(name: "ice-pwd of 21 characters (RFC 8839 §5.4: at least 22)", type: .offer,
            lines: replacing("a=ice-pwd", with: "a=ice-pwd:abcdefghijklmnopqrstu"),
            expected: "invalidAttribute(ice-pwd, abcdefghijklmnopqrstu)"),
        Row(name: "only an unsupported fingerprint hash function (sha-512)", type: .offer,
            lines: replacing("a=fingerprint", with: "a=fingerprint:sha-512 AB:CD"),
            expected: "invalidAttribute(fingerprint, sha-512 AB:CD)"),
        Row(name: "a sha-256 fingerprint of the wrong length", type: .offer,
            lines: replacing("a=fingerprint", with: "a=fingerprint:sha-256 AB:CD"),
            expected: "invalidAttribute(fingerprint, sha-256 AB:CD)"),
        Row(name: "a=setup:holdconn (RFC 8842 §5.1)", type: .offer,
            lines: replacing("a=setup", with: "a=setup:holdconn"), expected: "invalidAttribute(setup, holdconn)"),
        Row(name: "a=setup:actpass in an answer (RFC 8842 §5.3)", type: .answer,
            lines: valid, expected: "invalidAttribute(setup, actpass)"),
        Row(name: "a=setup:actpass in a pranswer (RFC 8842 §5.3)", type: .pranswer,
            lines: valid, expected: "invalidAttribute(setup, actpass)"),
        Row(name: "a BUNDLE group naming an absent mid (RFC 5888 §5)", type: .offer,
            lines: replacing("a=group", with: "a=group:BUNDLE 0 7"), expected: "invalidAttribute(group, BUNDLE 0 7)"),
        Row(name: "two sections with the same mid (RFC 5888 §4)", type: .offer,
            lines: valid + ["m=audio 0 RTP/AVP 0", "c=IN IP4 0.0.0.0", "a=mid:0"], expected: "invalidAttribute(mid, 0)"),
        Row(name: "every section rejected: no transport at all", type: .offer,
            lines: replacing("m=application", with: "m=application 0 UDP/DTLS/SCTP webrtc-datachannel"),
            expected: "noDataSection"),
        Row(name: "no m= section at all", type: .offer, lines: Array(valid.prefix(4)), expected: "noDataSection"),
        Row(name: "a used section outside BUNDLE without its own credentials", type: .offer,
            lines: valid + ["m=audio 9 RTP/AVP 0", "c=IN IP4 0.0.0.0", "a=mid:1"],
            expected: "missingAttribute(ice-ufrag, mid: 1)"),
    ]

    @Test("each bad description is refused with the attribute it breaks", arguments: rows)
    func refused(row: Row) {
        do {
            let parsed = try OfferAnswer.parse(Fixtures.sdp(row.lines), type: row.type)
            Issue.record("accepted: \(parsed.sections)")
        } catch {
            #expect(Self.key(error) == row.expected)
        }
    }

    @Test("the unchanged description is accepted (so each row fails for its one line)")
    func baseline() throws {
        _ = try OfferAnswer.parse(Fixtures.sdp(Self.valid), type: .offer)
    }

    @Test("session-level ICE and DTLS attributes serve a section that has none (RFC 8839 §5.4)")
    func sessionLevel() throws {
        var lines = Self.valid.filter { !$0.hasPrefix("a=ice-") && !$0.hasPrefix("a=fingerprint") && !$0.hasPrefix("a=setup") }
        lines.insert(contentsOf: ["a=ice-ufrag:Sess", "a=ice-pwd:0123456789012345678901", Self.fingerprintLine, "a=setup:active"], at: 4)
        let parsed = try OfferAnswer.parse(Fixtures.sdp(lines), type: .offer)
        #expect(parsed.credentials.ufrag == "Sess")
        #expect(parsed.setup == .active)
    }

    @Test("media-level credentials win over session-level ones (RFC 8839 §5.4)")
    func mediaWins() throws {
        var lines = Self.valid
        lines.insert(contentsOf: ["a=ice-ufrag:Sess", "a=ice-pwd:0123456789012345678901"], at: 4)
        #expect(try OfferAnswer.parse(Fixtures.sdp(lines), type: .offer).credentials.ufrag == "Ufr4")
    }

    @Test("an unsupported fingerprint next to a supported one is skipped (RFC 8122 §5)")
    func skipsUnsupportedFingerprint() throws {
        var lines = Self.valid
        lines.insert("a=fingerprint:sha-512 AB:CD", at: lines.firstIndex(of: Self.fingerprintLine) ?? 0)
        #expect(try OfferAnswer.parse(Fixtures.sdp(lines), type: .offer).fingerprints == [Fixtures.fingerprint])
    }

    @Test("a rollback has no description to parse")
    func rollback() {
        #expect(throws: JSEPError.invalidAttribute("type", value: "rollback", reason: "a rollback carries no description (JSEP §4.1.10.2)")) {
            try OfferAnswer.parse(Fixtures.sdp(Self.valid), type: .rollback)
        }
    }

    // MARK: - Answers that do not match the offer (RFC 3264 §6, RFC 8843 §7.3.1)

    static let answerLines = valid.map { $0 == "a=setup:actpass" ? "a=setup:active" : $0 }
    static let audio = ["m=audio 0 RTP/AVP 0", "c=IN IP4 0.0.0.0", "a=mid:1"]

    struct AnswerRow: Sendable, CustomTestStringConvertible {
        let name: String
        let offer: [String]
        let answer: [String]
        var testDescription: String { name }
    }

    static let answerRows: [AnswerRow] = [
        AnswerRow(name: "fewer m= sections than the offer", offer: valid + audio, answer: answerLines),
        AnswerRow(name: "a different kind in the same place", offer: valid + audio,
                  answer: answerLines + ["m=video 0 RTP/AVP 0", "c=IN IP4 0.0.0.0", "a=mid:1"]),
        AnswerRow(name: "a different mid in the same place", offer: valid,
                  answer: answerLines.map { $0 == "a=mid:0" ? "a=mid:x" : $0 }.map { $0 == "a=group:BUNDLE 0" ? "a=group:BUNDLE x" : $0 }),
        AnswerRow(name: "accepting a section the offer rejected", offer: valid + audio,
                  answer: answerLines + ["m=audio 9 RTP/AVP 0", "c=IN IP4 0.0.0.0", "a=mid:1", "a=ice-ufrag:Ufr4",
                                         "a=ice-pwd:abcdefghijklmnopqrstuv", fingerprintLine, "a=setup:active"]),
        AnswerRow(name: "bundling a mid the offer did not bundle", offer: valid.map { $0.hasPrefix("a=group") ? "a=group:BUNDLE 0" : $0 } + ["m=audio 9 RTP/AVP 0", "c=IN IP4 0.0.0.0", "a=mid:1", "a=ice-ufrag:Ufr4", "a=ice-pwd:abcdefghijklmnopqrstuv", fingerprintLine, "a=setup:actpass"],
                  answer: answerLines.map { $0.hasPrefix("a=group") ? "a=group:BUNDLE 0 1" : $0 } + ["m=audio 9 RTP/AVP 0", "c=IN IP4 0.0.0.0", "a=mid:1"]),
    ]

    @Test("an answer that does not match its offer is refused", arguments: answerRows)
    func mismatched(row: AnswerRow) throws {
        let offer = try OfferAnswer.parse(Fixtures.sdp(row.offer), type: .offer)
        // The answer alone is a valid description: only the comparison refuses it.
        _ = try OfferAnswer.parse(Fixtures.sdp(row.answer), type: .answer)
        #expect {
            try OfferAnswer.parse(Fixtures.sdp(row.answer), type: .answer, answering: offer)
        } throws: { error in
            (error as? JSEPError).map(Self.key) == "mismatchedAnswer"
        }
    }
}
