import Hashing

/// Keys and hashes derived from STUN credentials (RFC 8489 §9).
public enum STUNCredentials {
    /// The short-term key: the prepared password's UTF-8 (RFC 8489 §9.1.1 with OpaqueString; RFC 5389
    /// §15.4 with SASLprep). ICE uses this with the peer's ice-pwd (RFC 8445 §7.2.2).
    public static func shortTermKey(
        password: String, preparation: STUNPasswordPreparation = .opaqueString
    ) throws(STUNPreparationError) -> STUNKey {
        STUNKey(bytes: Array(try preparation.prepare(password).utf8))
    }

    /// The long-term key: MD5 or SHA-256 of `username ":" realm ":" password` (RFC 8489 §9.2.2).
    ///
    /// Under `.opaqueString` (RFC 8489) realm and password are prepared; under `.saslPrep` (RFC 5389
    /// §15.4, as RFC 5769 §2.4 uses) only the password is. The username is used as given: pass the exact
    /// USERNAME value.
    public static func longTermKey(
        username: String, realm: String, password: String,
        algorithm: STUNPasswordAlgorithm = .md5, preparation: STUNPasswordPreparation = .opaqueString
    ) throws(STUNPreparationError) -> STUNKey {
        let preparedRealm = preparation == .opaqueString ? try preparation.prepare(realm) : realm
        let preparedPassword = try preparation.prepare(password)
        let input = Array("\(username):\(preparedRealm):\(preparedPassword)".utf8)
        // Only two algorithms are registered (§18.5); any number other than 2 is taken as MD5.
        let digest: DigestAlgorithm = algorithm.number == STUNPasswordAlgorithm.sha256.number ? .sha256 : .md5
        return STUNKey(bytes: digest.hash(input))
    }

    /// USERHASH: SHA-256 of `OpaqueString(username) ":" OpaqueString(realm)` (RFC 8489 §14.4).
    public static func userhash(username: String, realm: String) throws(STUNPreparationError) -> [UInt8] {
        let input = try STUNPasswordPreparation.opaqueString(username) + ":" + STUNPasswordPreparation.opaqueString(realm)
        return DigestAlgorithm.sha256.hash(Array(input.utf8))
    }
}
