import Wire

/// Drops records OpenSSL should never see, before it sees them (RFC 6347 §4.1.2.7: "invalid records
/// SHOULD be silently discarded, thus preserving the association").
///
/// OpenSSL 3.0 discards most invalid records itself, but not all: a protected record (epoch ≥ 1) too
/// short to hold the AES-GCM explicit nonce and tag makes it raise an internal_error alert and end the
/// association — anyone on the path could end it with 14 forged bytes. The filter keeps only records
/// whose header is well formed and whose fragment can be what the negotiated suites produce.
enum RecordFilter {
    /// Header: type (1), version (2), epoch (2), sequence number (6), length (2) (RFC 6347 §4.1).
    static let headerLength = 13
    /// The smallest AES-GCM protected fragment: 8-byte explicit nonce and 16-byte tag around an empty
    /// plaintext (RFC 5288 §3). Every suite the endpoint offers is AES-GCM.
    static let minimumProtectedFragment = 8 + 16
    /// The largest fragment a record may carry (RFC 6347 §4.1: 2¹⁴ + 2048).
    static let maximumFragment = (1 << 14) + 2048

    /// The datagram's well-formed records, in order; nil when none is left. A record whose length
    /// runs past the datagram ends the walk (the rest cannot be framed).
    static func validRecords(in datagram: [UInt8]) -> [UInt8]? {
        var reader = ByteReader(datagram)
        var kept: [UInt8] = []
        kept.reserveCapacity(datagram.count)
        while reader.remaining >= headerLength {
            let start = datagram.count - reader.remaining
            guard let type = try? reader.readUInt8(), let version = try? reader.readUInt16(),
                  let epoch = try? reader.readUInt16(), (try? reader.readUInt48()) != nil,
                  let length = try? reader.readUInt16()
            else { break }
            let fragmentLength = Int(length)
            guard fragmentLength <= reader.remaining, (try? reader.skip(fragmentLength)) != nil else { break }
            // Content types 20–23 are DTLS 1.2's (RFC 5246 §6.2.1); 0xFEFF / 0xFEFD its versions
            // (DTLS 1.0 appears in a first ClientHello's record, RFC 6347 §4.1).
            let knownType = (20...23).contains(type)
            let dtlsVersion = version == 0xFEFD || version == 0xFEFF
            let sizeFits = fragmentLength <= maximumFragment
                && (epoch == 0 || fragmentLength >= minimumProtectedFragment)
            if knownType && dtlsVersion && sizeFits {
                kept.append(contentsOf: datagram[start..<start + headerLength + fragmentLength])
            }
        }
        return kept.isEmpty ? nil : kept
    }
}
