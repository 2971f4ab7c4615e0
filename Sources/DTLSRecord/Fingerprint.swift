import Hashing

extension CertificateMessage {
    /// The SHA-256 digest of a DER certificate as SDP writes it in `a=fingerprint:sha-256`
    /// (RFC 8122 §5): upper-case hex pairs joined by ':'.
    public static func sha256Fingerprint(of certificate: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        for (index, byte) in DigestAlgorithm.sha256.hash(certificate).enumerated() {
            if index > 0 { text.append(UInt8(ascii: ":")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
