/// What checking a message's integrity with a password found, and with which key.
public struct STUNPasswordCheck: Hashable, Sendable {
    public let messageIntegrity: STUNVerification
    public let messageIntegritySHA256: STUNVerification
    /// The credential that made the present integrity attributes verify, or the first one tried when
    /// none did (for example `long-term MD5, SASLprep`).
    public let credential: String

    /// True when at least one integrity attribute is present and none is invalid.
    public var passed: Bool {
        let results = [messageIntegrity, messageIntegritySHA256]
        return results.contains(.valid) && !results.contains(.invalid)
    }
}

extension STUNMessage {
    /// Verifies MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256 with a password, choosing the key as a
    /// receiver would from the message itself.
    ///
    /// With USERNAME and REALM present the long-term key is used (RFC 8489 §9.2.2), MD5 or SHA-256 as
    /// PASSWORD-ALGORITHM says; otherwise the short-term key (§9.1.1, what ICE uses). Both password
    /// preparations are tried, OpaqueString (RFC 8489) first and SASLprep (RFC 5389, which RFC 5769's
    /// vectors use) second, because a capture does not say which its sender implemented.
    public func checkIntegrity(password: String) -> STUNPasswordCheck {
        var candidates: [(name: String, key: STUNKey)] = []
        for preparation in [STUNPasswordPreparation.opaqueString, .saslPrep] {
            let label = preparation == .opaqueString ? "OpaqueString" : "SASLprep"
            if case .username(let username)? = value(of: .username), case .realm(let realm)? = value(of: .realm) {
                var algorithm = STUNPasswordAlgorithm.md5
                if case .passwordAlgorithm(let chosen)? = value(of: .passwordAlgorithm) { algorithm = chosen }
                let digest = algorithm.number == STUNPasswordAlgorithm.sha256.number ? "SHA-256" : "MD5"
                if let key = try? STUNCredentials.longTermKey(
                    username: username, realm: realm, password: password, algorithm: algorithm, preparation: preparation) {
                    candidates.append(("long-term \(digest), \(label)", key))
                }
            } else if let key = try? STUNCredentials.shortTermKey(password: password, preparation: preparation) {
                candidates.append(("short-term, \(label)", key))
            }
        }
        var first: STUNPasswordCheck? = nil
        for candidate in candidates {
            let check = STUNPasswordCheck(
                messageIntegrity: verifyMessageIntegrity(key: candidate.key),
                messageIntegritySHA256: verifyMessageIntegritySHA256(key: candidate.key),
                credential: candidate.name)
            if check.passed { return check }
            if first == nil { first = check }
        }
        return first ?? STUNPasswordCheck(
            messageIntegrity: .invalid, messageIntegritySHA256: .invalid,
            credential: "none: the password is not valid under either preparation")
    }
}
