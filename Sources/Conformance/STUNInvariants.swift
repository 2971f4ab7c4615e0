import STUN

/// The STUN-specific parts of the harnesses: an invariant for the fuzz target and the password check
/// for `crucible decode --password`.
enum STUNInvariants {
    /// A fixed key for the invariant below: any key works, the point is that the code that computes
    /// integrity and the code that verifies it agree on every message the parser accepts.
    static let probeKey = STUNKey(bytes: Array("crucible-fuzz-probe".utf8))

    /// DESIGN §4: integrity and fingerprint computed on serialisation verify, for any accepted message
    /// (attributes after an existing integrity attribute are dropped first, as a sender would).
    @Sendable
    static func integrityComputedOnSerialisationVerifies(_ message: STUNMessage) -> String? {
        var base = message
        if let index = base.firstIntegrityIndex { base.attributes.removeSubrange(index...) }
        base.attributes.removeAll { $0.type == .fingerprint }
        let protected = base.withMessageIntegrity(key: probeKey).withMessageIntegritySHA256(key: probeKey).withFingerprint()
        guard let reparsed = try? STUNCodec.parse(STUNCodec.serialize(protected)) else {
            return "a message with integrity and fingerprint added does not parse back"
        }
        if reparsed.verifyMessageIntegrity(key: probeKey) != .valid { return "MESSAGE-INTEGRITY computed on serialisation does not verify" }
        if reparsed.verifyMessageIntegritySHA256(key: probeKey) != .valid { return "MESSAGE-INTEGRITY-SHA256 computed on serialisation does not verify" }
        if reparsed.verifyFingerprint() != .valid { return "FINGERPRINT computed on serialisation does not verify" }
        return nil
    }

    /// Recomputes a FINGERPRINT that ends the input, so mutants of fingerprinted messages get past the
    /// fingerprint gate to the attribute parsers. Input without one comes back unchanged.
    @Sendable
    static func repairFingerprint(_ bytes: [UInt8]) -> [UInt8] {
        guard let message = try? STUNMessage.parse(bytes, checkFingerprint: false),
              message.attributes.last?.type == .fingerprint
        else { return bytes }
        var base = message
        base.attributes.removeLast()
        return STUNCodec.serialize(base.withFingerprint())
    }

    static func checks(_ message: STUNMessage, password: String?) -> [Inspection.Check] {
        var checks: [Inspection.Check] = []
        switch message.verifyFingerprint() {
        case .valid: checks.append(.init(name: "fingerprint", passed: true, detail: "FINGERPRINT verifies (RFC 8489 §14.7)"))
        case .invalid: checks.append(.init(name: "fingerprint", passed: false, detail: "FINGERPRINT does not verify (RFC 8489 §14.7)"))
        case .absent: break
        }
        if let password {
            let check = message.checkIntegrity(password: password)
            let detail = "MESSAGE-INTEGRITY \(check.messageIntegrity), MESSAGE-INTEGRITY-SHA256 \(check.messageIntegritySHA256) (\(check.credential))"
            checks.append(.init(name: "integrity", passed: check.passed, detail: detail))
        }
        let ignored = message.attributesIgnoredAfterIntegrity.map { $0.type.description }
        if !ignored.isEmpty {
            checks.append(.init(name: "ignored-after-integrity", passed: true,
                                detail: "a receiver ignores \(ignored.joined(separator: ", ")) (RFC 8489 §14.5)"))
        }
        return checks
    }
}
