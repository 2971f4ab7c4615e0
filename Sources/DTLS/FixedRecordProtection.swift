#if CRUCIBLE_FUZZING_UNSAFE
import DTLSRecord
import Wire

/// Application data in a fuzzing build whose integrity checks are bypassed (`IntegrityChecks`): records
/// that carry their plaintext between a fixed explicit nonce and a fixed tag, so that a fuzzer's SCTP
/// packet reaches the association through a connected endpoint without OpenSSL's keys (issue 17, the
/// shape of dcSCTP's and usrsctp's fuzzing builds).
///
/// The handshake, alerts and close_notify stay OpenSSL's, really protected: only application data is
/// written and read here. The nonce and tag keep AES-GCM's sizes (RFC 5288 §3), so every length the
/// engine computes for a real record (the SCTP packet limit, the record filter's minimum) still holds.
/// The fixed bytes are not checked on the way in: anything in their place is accepted.
public enum FixedRecordProtection {
    /// The epoch the handshake's keys take effect in (RFC 6347 §4.1).
    public static let epoch: UInt16 = 1
    public static let nonceLength = 8
    public static let tagLength = 16

    /// One application-data record holding `message` as record `sequenceNumber`.
    public static func seal(_ message: [UInt8], sequenceNumber: UInt64) -> [UInt8] {
        let fragment = [UInt8](repeating: 0, count: nonceLength) + message + [UInt8](repeating: 0, count: tagLength)
        let record = ClassicRecord(
            contentType: .applicationData, version: .dtls12, epoch: epoch, sequenceNumber: sequenceNumber, fragment: fragment[...])
        var writer = ByteWriter(capacity: ClassicRecord.headerLength + fragment.count)
        DTLSRecord.classic(record).write(to: &writer)
        return writer.bytes
    }

    /// Splits records (already passed through `RecordFilter`) into the plaintexts of the protected
    /// application-data records, and the bytes of every other record, which OpenSSL still reads.
    public static func open(_ records: [UInt8]) -> (plaintexts: [[UInt8]], forOpenSSL: [UInt8]) {
        var reader = ByteReader(records)
        var plaintexts: [[UInt8]] = []
        var forOpenSSL: [UInt8] = []
        while !reader.isAtEnd {
            let start = reader.offset
            guard let record = try? DTLSRecord.parse(from: &reader) else { break }
            if case .classic(let classic) = record, classic.contentType == .applicationData, classic.isEncrypted,
               classic.fragment.count >= nonceLength + tagLength {
                plaintexts.append(Array(classic.fragment.dropFirst(nonceLength).dropLast(tagLength)))
            } else {
                forOpenSSL.append(contentsOf: records[start..<reader.offset])
            }
        }
        return (plaintexts, forOpenSSL)
    }
}
#endif
