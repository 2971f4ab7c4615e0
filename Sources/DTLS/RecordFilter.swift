import DTLSRecord
import Wire

/// Drops records OpenSSL should never see, before it sees them (RFC 6347 §4.1.2.7: "invalid records
/// SHOULD be silently discarded, thus preserving the association").
///
/// OpenSSL 3.0 discards most invalid records itself, but not all: a protected record (epoch ≥ 1) too
/// short to hold the AES-GCM explicit nonce and tag makes it raise an internal_error alert and end the
/// association — anyone on the path could end it with 14 forged bytes. The filter frames records with
/// the `DTLSRecord` codec and keeps only those whose fragment can be what the negotiated suites produce.
enum RecordFilter {
    /// The smallest AES-GCM protected fragment: 8-byte explicit nonce and 16-byte tag around an empty
    /// plaintext (RFC 5288 §3). Every suite the endpoint offers is AES-GCM.
    static let minimumProtectedFragment = 8 + 16

    /// The datagram's well-formed records, in order; nil when none is left. A record the codec cannot
    /// frame (cut short, a length past its cap, a connection id never negotiated) ends the walk: what
    /// follows it cannot be framed either.
    static func validRecords(in datagram: [UInt8]) -> [UInt8]? {
        var reader = ByteReader(datagram)
        var kept: [UInt8] = []
        kept.reserveCapacity(datagram.count)
        while !reader.isAtEnd {
            let start = reader.offset
            guard let record = try? DTLSRecord.parse(from: &reader) else { break }
            if case .classic(let classic) = record, isExpected(classic) {
                kept.append(contentsOf: datagram[start..<reader.offset])
            }
        }
        return kept.isEmpty ? nil : kept
    }

    /// A DTLS 1.2 record of a content type the endpoint negotiates: ChangeCipherSpec, alert, handshake or
    /// application data (RFC 5246 §6.2.1), in DTLS 1.2 or 1.0 (a first ClientHello's record may say 1.0,
    /// RFC 6347 §4.1), and, when protected, long enough for the AES-GCM nonce and tag. DTLS 1.3's unified
    /// header, heartbeat and tls12_cid were not offered, so they cannot be the peer's.
    private static func isExpected(_ record: ClassicRecord) -> Bool {
        let knownType = (ContentType.changeCipherSpec.rawValue...ContentType.applicationData.rawValue).contains(record.contentType.rawValue)
        let dtlsVersion = record.version == .dtls12 || record.version == .dtls10
        let sizeFits = record.epoch == 0 || record.fragment.count >= minimumProtectedFragment
        return knownType && dtlsVersion && sizeFits
    }
}
