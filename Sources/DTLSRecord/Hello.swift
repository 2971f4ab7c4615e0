public import Hashing

/// ClientHello (RFC 6347 §4.2.1: TLS 1.2's ClientHello with a cookie after the session id).
public struct ClientHello: Hashable, Sendable {
    public var clientVersion: ProtocolVersion
    /// 32 bytes.
    public var random: [UInt8]
    /// 0–32 bytes.
    public var sessionID: [UInt8]
    /// 0–255 bytes (DTLS 1.2 caps it at 255 by its 1-byte length).
    public var cookie: [UInt8]
    /// At least one suite.
    public var cipherSuites: [UInt16]
    /// At least one method (normally just null = 0).
    public var compressionMethods: [UInt8]
    /// Nil when the hello ends after the compression methods (no extensions block at all), which is
    /// distinct from an empty block (two zero bytes) and kept so re-serialisation is exact.
    public var extensions: [HelloExtension]?

    public init(
        clientVersion: ProtocolVersion, random: [UInt8], sessionID: [UInt8] = [], cookie: [UInt8] = [],
        cipherSuites: [UInt16], compressionMethods: [UInt8] = [0], extensions: [HelloExtension]? = []
    ) {
        self.clientVersion = clientVersion
        self.random = random
        self.sessionID = sessionID
        self.cookie = cookie
        self.cipherSuites = cipherSuites
        self.compressionMethods = compressionMethods
        self.extensions = extensions
    }
}

/// ServerHello (RFC 5246 §7.4.1.3, also the DTLS 1.3 form of RFC 8446 §4.1.3).
public struct ServerHello: Hashable, Sendable {
    public var serverVersion: ProtocolVersion
    /// 32 bytes.
    public var random: [UInt8]
    /// 0–32 bytes.
    public var sessionID: [UInt8]
    public var cipherSuite: UInt16
    public var compressionMethod: UInt8
    /// Nil when no extensions block follows (see `ClientHello.extensions`).
    public var extensions: [HelloExtension]?

    public init(
        serverVersion: ProtocolVersion, random: [UInt8], sessionID: [UInt8] = [], cipherSuite: UInt16,
        compressionMethod: UInt8 = 0, extensions: [HelloExtension]? = []
    ) {
        self.serverVersion = serverVersion
        self.random = random
        self.sessionID = sessionID
        self.cipherSuite = cipherSuite
        self.compressionMethod = compressionMethod
        self.extensions = extensions
    }
}

/// HelloVerifyRequest (RFC 6347 §4.2.1): the server's stateless cookie exchange.
public struct HelloVerifyRequest: Hashable, Sendable {
    public var serverVersion: ProtocolVersion
    /// 0–255 bytes.
    public var cookie: [UInt8]

    public init(serverVersion: ProtocolVersion, cookie: [UInt8]) {
        self.serverVersion = serverVersion
        self.cookie = cookie
    }
}

/// Certificate (RFC 5246 §7.4.2): a 24-bit-length list of 24-bit-length DER certificates.
public struct CertificateMessage: Hashable, Sendable {
    /// DER certificates, the sender's own first.
    public var certificates: [[UInt8]]

    public init(certificates: [[UInt8]]) { self.certificates = certificates }

    /// The SHA-256 fingerprint of each certificate (RFC 8122 §5), as SDP's `a=fingerprint` names it.
    public var fingerprints: [CertificateFingerprint] { certificates.map { CertificateFingerprint(of: $0) } }
}

/// The body of a handshake message this module understands; anything else stays opaque bytes.
public enum HandshakeBody: Hashable, Sendable {
    case clientHello(ClientHello)
    case serverHello(ServerHello)
    case helloVerifyRequest(HelloVerifyRequest)
    case certificate(CertificateMessage)
    case opaque([UInt8])
}

/// A complete handshake message: its header (with any fragmentation as found) and its body.
///
/// The body is parsed only when the message is complete and unfragmented; otherwise it stays `.opaque`.
public struct HandshakeMessage: Hashable, Sendable {
    public var header: HandshakeHeader
    public var body: HandshakeBody

    public init(header: HandshakeHeader, body: HandshakeBody) {
        self.header = header
        self.body = body
    }
}
