/// The SRTP keys of both directions, as a DTLS-SRTP handshake exports them (RFC 5764 §4.2).
///
/// The DTLS endpoint exports the bytes from OpenSSL; the replay checker derives the same bytes from a
/// key log. Both split them here, so the layout is written once.
public struct DTLSSRTPKeys: Hashable, Sendable {
    /// The keys the DTLS client protects its SRTP and SRTCP with.
    public let client: SRTPKeyMaterial
    /// The keys the DTLS server protects its SRTP and SRTCP with.
    public let server: SRTPKeyMaterial

    /// The exporter label DTLS-SRTP uses (RFC 5764 §4.2).
    public static let exporterLabel = "EXTRACTOR-dtls_srtp"

    /// Number of exporter bytes `profile` needs: `2 × (key + salt)` (RFC 5764 §4.2).
    public static func exportLength(for profile: SRTPProfile) -> Int {
        2 * (profile.masterKeyLength + profile.masterSaltLength)
    }

    /// The profile both directions use.
    public var profile: SRTPProfile { client.profile }

    public init(client: SRTPKeyMaterial, server: SRTPKeyMaterial) {
        self.client = client
        self.server = server
    }

    /// Splits exported material per RFC 5764 §4.2: client key ‖ server key ‖ client salt ‖ server salt,
    /// with the lengths of `profile`.
    /// - Throws: `.badKey` when `material` is not exactly `exportLength(for: profile)` bytes.
    public init(profile: SRTPProfile, exported material: [UInt8]) throws(SRTPError) {
        guard material.count == Self.exportLength(for: profile) else {
            throw .badKey("\(profile) needs \(Self.exportLength(for: profile)) exported bytes, got \(material.count)")
        }
        let key = profile.masterKeyLength
        let salt = profile.masterSaltLength
        self.init(
            client: try SRTPKeyMaterial(
                profile: profile, masterKey: Array(material[0..<key]), masterSalt: Array(material[2 * key..<2 * key + salt])),
            server: try SRTPKeyMaterial(
                profile: profile, masterKey: Array(material[key..<2 * key]),
                masterSalt: Array(material[2 * key + salt..<2 * (key + salt)])))
    }

}
