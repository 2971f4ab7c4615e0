public import Wire

/// The rules the DTLS record and handshake-framing parsers enforce, one case per rule.
///
/// Identifiers are stable (`DTLS.record-length`); `reference` names the RFC section the rule comes from.
public enum DTLSRule: String, ProtocolRule, CaseIterable {
    /// Input ended before a field it must contain.
    case truncated
    /// A DTLS 1.0/1.2 record header whose version major byte is not 0xFE (the one's complement of 1).
    case recordVersion
    /// A record length above 2^14 (plaintext) or 2^14 + 2048 (ciphertext), or past the datagram's end.
    case recordLength
    /// A first byte that is neither a record content type (0–31) nor a unified header (001xxxxx).
    case recordContentType
    /// A DTLS 1.3 unified header with the C bit set, or a DTLS 1.2 `tls12_cid` record, but no connection
    /// id length was configured (the length is negotiated, never sent).
    case connectionIDLength
    /// A plaintext alert record whose body is not exactly one (level, description) pair.
    case alertLength
    /// A handshake fragment that does not fit its message: offset + fragment_length > length.
    case handshakeFragmentRange
    /// A handshake fragment whose fragment_length runs past the end of its record.
    case handshakeFragmentLength
    /// A handshake body whose fields do not fill exactly the declared message length.
    case handshakeBodyLength
    /// A vector (session id, cookie, compression methods, random) whose length breaks its grammar.
    case helloVectorLength
    /// A cipher-suite list whose byte length is odd or zero.
    case cipherSuitesLength
    /// An extension whose declared length runs past the end of the extensions block.
    case extensionLength
    /// A known extension whose body does not follow that extension's grammar.
    case extensionBody
    /// A certificate list or certificate entry whose 24-bit length breaks the grammar.
    case certificateLength
    /// Two fragments of the same handshake message that disagree on bytes, type or length.
    case reassemblyConflict

    public var id: String {
        switch self {
        case .truncated: "DTLS.truncated"
        case .recordVersion: "DTLS.record-version"
        case .recordLength: "DTLS.record-length"
        case .recordContentType: "DTLS.record-content-type"
        case .connectionIDLength: "DTLS.connection-id-length"
        case .alertLength: "DTLS.alert-length"
        case .handshakeFragmentRange: "DTLS.handshake-fragment-range"
        case .handshakeFragmentLength: "DTLS.handshake-fragment-length"
        case .handshakeBodyLength: "DTLS.handshake-body-length"
        case .helloVectorLength: "DTLS.hello-vector-length"
        case .cipherSuitesLength: "DTLS.cipher-suites-length"
        case .extensionLength: "DTLS.extension-length"
        case .extensionBody: "DTLS.extension-body"
        case .certificateLength: "DTLS.certificate-length"
        case .reassemblyConflict: "DTLS.reassembly-conflict"
        }
    }

    public var reference: String {
        switch self {
        case .truncated: "RFC 6347 §4.1"
        case .recordVersion: "RFC 6347 §4.1"
        case .recordLength: "RFC 6347 §4.1, RFC 5246 §6.2.1–6.2.3"
        case .recordContentType: "RFC 9147 §4.1, RFC 7983 §7"
        case .connectionIDLength: "RFC 9147 §4, RFC 9146 §4"
        case .alertLength: "RFC 5246 §7.2"
        case .handshakeFragmentRange: "RFC 6347 §4.2.3"
        case .handshakeFragmentLength: "RFC 6347 §4.2.2"
        case .handshakeBodyLength: "RFC 6347 §4.2.2, RFC 5246 §7.4"
        case .helloVectorLength: "RFC 6347 §4.2.1, RFC 5246 §7.4.1.2"
        case .cipherSuitesLength: "RFC 5246 §7.4.1.2"
        case .extensionLength: "RFC 5246 §7.4.1.4, RFC 8446 §4.2"
        case .extensionBody: "RFC 8446 §4.2, RFC 5764 §4.1.1, RFC 7301 §3.1"
        case .certificateLength: "RFC 5246 §7.4.2"
        case .reassemblyConflict: "RFC 6347 §4.2.3"
        }
    }
}

/// The error every DTLS parsing function throws.
public typealias DTLSError = CodecError<DTLSRule>

/// Runs reads on a `ByteReader`, turning a truncation into this protocol's error.
@inline(__always)
func reading<T>(_ body: () throws(TruncatedInput) -> T) throws(DTLSError) -> T {
    do { return try body() } catch { throw DTLSError(error) }
}
