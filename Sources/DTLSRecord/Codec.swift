public import Wire

/// `dtls`: one UDP datagram as a sequence of DTLS records (RFC 6347 §4.1, RFC 9147 §4).
///
/// Parsing checks the record framing and, for plaintext records (epoch 0), the contents: handshake
/// fragment framing, the bodies of complete ClientHello / ServerHello / HelloVerifyRequest / Certificate
/// messages, and alert length. Encrypted records and handshake fragments stay opaque. Record bodies in
/// the value are slices of the input. No connection id is negotiated at this stateless layer, so a
/// unified header with the C bit or a `tls12_cid` record is refused (`DTLS.connection-id-length`); callers
/// that know the id length use `DTLSDatagram.parse(_:options:)`.
public enum DTLSCodec: WireCodec {
    public typealias Value = DTLSDatagram
    public typealias Rule = DTLSRule

    public static let name = "dtls"

    public static func parse(_ bytes: [UInt8]) throws(DTLSError) -> DTLSDatagram {
        let datagram = try DTLSDatagram.parse(bytes)
        for record in datagram.records {
            guard case .classic(let classic) = record, !classic.isEncrypted else { continue }
            try validatePlaintext(classic)
        }
        return datagram
    }

    public static func serialize(_ value: DTLSDatagram) -> [UInt8] { value.serialize() }

    public static func describe(_ value: DTLSDatagram) -> Structure { value.structure }

    /// Checks what an epoch-0 record carries; errors count from the start of the datagram.
    static func validatePlaintext(_ record: ClassicRecord) throws(DTLSError) {
        let base = record.fragment.startIndex
        switch record.contentType {
        case .handshake:
            let fragments: [HandshakeFragment]
            do { fragments = try HandshakeFragment.parseAll(record.fragment) } catch { throw error.shifted(by: base) }
            // Only the modelled bodies have rules to check. Parsing an unmodelled one would copy its bytes
            // into an `.opaque` value that is thrown away at once; with -O that discarded copy was seen
            // writing into freed memory under AddressSanitizer (Corpus/dtls/regressions/), so it is not made.
            for fragment in fragments where fragment.header.isComplete && HandshakeBody.models(fragment.header.type) {
                do { _ = try HandshakeBody.parse(type: fragment.header.type, fragment.body) } catch {
                    throw error.shifted(by: fragment.body.startIndex)
                }
            }
        case .alert:
            do { _ = try Alert.parse(record.fragment) } catch { throw error.shifted(by: base) }
        default:
            break
        }
    }
}

/// `dtls-handshake`: the body of a plaintext handshake record, as handshake messages with typed bodies
/// (complete Hello, HelloVerifyRequest and Certificate messages parsed; everything else opaque).
public enum DTLSHandshakeCodec: WireCodec {
    public typealias Value = [HandshakeMessage]
    public typealias Rule = DTLSRule

    public static let name = "dtls-handshake"

    public static func parse(_ bytes: [UInt8]) throws(DTLSError) -> [HandshakeMessage] {
        var messages: [HandshakeMessage] = []
        for fragment in try HandshakeFragment.parseAll(bytes[...]) {
            do { messages.append(try HandshakeMessage(fragment)) } catch { throw error.shifted(by: fragment.body.startIndex) }
        }
        return messages
    }

    public static func serialize(_ value: [HandshakeMessage]) -> [UInt8] {
        var writer = ByteWriter()
        for message in value { message.write(to: &writer) }
        return writer.bytes
    }

    public static func describe(_ value: [HandshakeMessage]) -> Structure { .list(value.map(\.structure)) }
}

extension DTLSError {
    /// The same error with its offset moved by `base` (for a nested parse counted from its own start).
    func shifted(by base: Int) -> DTLSError {
        DTLSError(rule, at: offset + base, detail, location: location)
    }
}
