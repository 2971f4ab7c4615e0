#if canImport(Glibc)
import Glibc
#endif

/// One of libsrtp's own ciphers, driven directly through its public cipher API (srtp2/cipher.h), for the
/// vectors SRTPSession cannot reach: libsrtp always derives session keys from a master key (RFC 3711
/// §4.3) and exports no KDF, so key-derivation vectors and session-key vectors (RFC 3711 B.2/B.3, RFC
/// 6188 §7, RFC 7714 §16–17) are checked against the very cipher code a session runs, with the KDF's
/// and the transforms' arithmetic written here from the RFCs. The cipher types themselves are exported
/// by libsrtp2.so but declared only in its private headers, and the CSRTP shim includes srtp.h alone,
/// so the cipher API (srtp2/cipher.h) is looked up by symbol name and called with its C signatures.
final class LibSRTPCipher {
    enum Algorithm: String {
        case aesICM128 = "srtp_aes_icm_128"
        case aesICM256 = "srtp_aes_icm_256"
        case aesGCM128 = "srtp_aes_gcm_128"
        case aesGCM256 = "srtp_aes_gcm_256"

        var isGCM: Bool { self == .aesGCM128 || self == .aesGCM256 }
        /// Bytes libsrtp's alloc expects: key and salt (SRTP_AES_*_KEY_LEN_WSALT).
        var keyAndSaltLength: Int {
            switch self {
            case .aesICM128: 30
            case .aesICM256: 46
            case .aesGCM128: 28
            case .aesGCM256: 44
            }
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// srtp2/cipher.h, as C function types; `srtp_err_status_t` is a C enum (0 is ok), the cipher opaque.
    private enum API {
        typealias Alloc = @convention(c) (UnsafeRawPointer, UnsafeMutablePointer<OpaquePointer?>, Int32, Int32) -> Int32
        typealias Dealloc = @convention(c) (OpaquePointer) -> Int32
        typealias Initialise = @convention(c) (OpaquePointer, UnsafePointer<UInt8>) -> Int32
        typealias SetIV = @convention(c) (OpaquePointer, UnsafeMutablePointer<UInt8>, Int32) -> Int32
        typealias SetAAD = @convention(c) (OpaquePointer, UnsafePointer<UInt8>, UInt32) -> Int32
        typealias Transform = @convention(c) (OpaquePointer, UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt32>) -> Int32

        static func function<F>(_ name: String, as type: F.Type) throws -> F {
            // RTLD_DEFAULT is the null handle on glibc: search every loaded object (the test links libsrtp2).
            guard let symbol = dlsym(nil, name) else { throw Failure(description: "libsrtp2 exports no \(name)") }
            return unsafeBitCast(symbol, to: type)
        }
    }

    private let cipher: OpaquePointer
    private let setIV: API.SetIV
    private let setAAD: API.SetAAD
    private let encryptFunction: API.Transform
    private let decryptFunction: API.Transform
    private let getTag: API.Transform
    private let dealloc: API.Dealloc

    /// A cipher keyed with `keyAndSalt`; for AES-ICM the salt is the counter offset (RFC 3711 §4.1.1),
    /// for GCM it is unused (the IV is passed whole).
    init(_ algorithm: Algorithm, keyAndSalt: [UInt8]) throws {
        guard keyAndSalt.count == algorithm.keyAndSaltLength else {
            throw Failure(description: "\(algorithm) wants \(algorithm.keyAndSaltLength) bytes of key and salt")
        }
        guard let type = dlsym(nil, algorithm.rawValue) else {
            throw Failure(description: "libsrtp2 exports no \(algorithm.rawValue)")
        }
        let alloc = try API.function("srtp_cipher_type_alloc", as: API.Alloc.self)
        let initialise = try API.function("srtp_cipher_init", as: API.Initialise.self)
        setIV = try API.function("srtp_cipher_set_iv", as: API.SetIV.self)
        setAAD = try API.function("srtp_cipher_set_aad", as: API.SetAAD.self)
        encryptFunction = try API.function("srtp_cipher_encrypt", as: API.Transform.self)
        decryptFunction = try API.function("srtp_cipher_decrypt", as: API.Transform.self)
        getTag = try API.function("srtp_cipher_get_tag", as: API.Transform.self)
        dealloc = try API.function("srtp_cipher_dealloc", as: API.Dealloc.self)
        var allocated: OpaquePointer?
        guard alloc(type, &allocated, Int32(keyAndSalt.count), algorithm.isGCM ? 16 : 0) == 0, let allocated else {
            throw Failure(description: "srtp_cipher_type_alloc refused \(algorithm)")
        }
        cipher = allocated
        guard initialise(cipher, keyAndSalt) == 0 else {
            _ = dealloc(cipher)
            throw Failure(description: "srtp_cipher_init refused the key")
        }
    }

    deinit { _ = dealloc(cipher) }

    /// Starts a message: the 16-byte ICM nonce (XORed into the offset) or the 12-byte GCM IV.
    func start(iv: [UInt8], decrypting: Bool = false) throws {
        var iv = iv
        // srtp_cipher_direction_t: srtp_direction_encrypt = 0, srtp_direction_decrypt = 1.
        guard setIV(cipher, &iv, decrypting ? 1 : 0) == 0 else {
            throw Failure(description: "srtp_cipher_set_iv refused the IV")
        }
    }

    func authenticate(_ aad: [UInt8]) throws {
        guard setAAD(cipher, aad, UInt32(aad.count)) == 0 else {
            throw Failure(description: "srtp_cipher_set_aad failed")
        }
    }

    /// The ciphertext of `bytes`. libsrtp's NSS-backed GCM writes its tag after the ciphertext before
    /// caching it, so the buffer has 16 spare bytes; for GCM even an empty input must pass through here
    /// for the tag to be computed.
    func encrypt(_ bytes: [UInt8]) throws -> [UInt8] {
        var buffer = bytes + [UInt8](repeating: 0, count: 16)
        var length = UInt32(bytes.count)
        guard encryptFunction(cipher, &buffer, &length) == 0 else {
            throw Failure(description: "srtp_cipher_encrypt failed")
        }
        return Array(buffer.prefix(Int(length)))
    }

    /// GCM: decrypts ciphertext ‖ tag, or throws when the tag does not verify.
    func decrypt(_ bytes: [UInt8]) throws -> [UInt8] {
        var buffer = bytes
        var length = UInt32(bytes.count)
        guard decryptFunction(cipher, &buffer, &length) == 0 else {
            throw Failure(description: "srtp_cipher_decrypt failed (tag)")
        }
        return Array(buffer.prefix(Int(length)))
    }

    /// GCM: the tag over what `authenticate` and `encrypt` saw since `start`.
    func tag() throws -> [UInt8] {
        var tag = [UInt8](repeating: 0, count: 16)
        var length = UInt32(16)
        guard getTag(cipher, &tag, &length) == 0 else {
            throw Failure(description: "srtp_cipher_get_tag failed")
        }
        return Array(tag.prefix(Int(length)))
    }
}

/// The SRTP arithmetic of the RFCs, over libsrtp's ciphers.
enum SRTPArithmetic {
    /// The AES-CM PRF key derivation with key_derivation_rate 0 (RFC 3711 §4.3.1, §4.3.3; RFC 6188 §7.2
    /// for AES-256): x = label at byte 7 of the 112-bit salt, keystream from IV = x · 2^16. A 96-bit GCM
    /// master salt is padded with zero bytes to 112 bits, as libsrtp does (checked by its GCM KAT).
    static func derive(masterKey: [UInt8], masterSalt: [UInt8], label: UInt8, length: Int) throws -> [UInt8] {
        let salt = masterSalt + [UInt8](repeating: 0, count: max(0, 14 - masterSalt.count))
        let prf = try LibSRTPCipher(masterKey.count == 32 ? .aesICM256 : .aesICM128, keyAndSalt: masterKey + salt)
        var nonce = [UInt8](repeating: 0, count: 16)
        nonce[7] = label
        try prf.start(iv: nonce)
        return try prf.encrypt([UInt8](repeating: 0, count: length))
    }

    static func bytes(_ value: UInt64, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(count - 1 - $0))) }
    }

    /// RFC 7714 §8.1: IV = (0x0000 ‖ SSRC ‖ ROC ‖ SEQ) XOR salt. Encrypted: AAD = the RTP header (§8.2,
    /// 12 bytes here: no CSRCs or extension in these vectors), output = header ‖ ciphertext ‖ tag.
    /// Authenticated only (§16's second form): the whole packet is AAD, the tag appended.
    static func gcmProtectRTP(_ packet: [UInt8], sessionKey: [UInt8], sessionSalt: [UInt8], roc: UInt32 = 0, encrypt: Bool = true) throws -> [UInt8] {
        let clear = encrypt ? 12 : packet.count
        let ssrc = packet[8..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let seq = UInt64(packet[2]) << 8 | UInt64(packet[3])
        let iv = zip([0, 0] + bytes(ssrc, count: 4) + bytes(UInt64(roc), count: 4) + bytes(seq, count: 2), sessionSalt).map { $0 ^ $1 }
        let gcm = try LibSRTPCipher(sessionKey.count == 32 ? .aesGCM256 : .aesGCM128, keyAndSalt: sessionKey + [UInt8](repeating: 0, count: 12))
        try gcm.start(iv: iv)
        try gcm.authenticate(Array(packet.prefix(clear)))
        // With nothing to encrypt this still runs: it is where libsrtp computes the tag.
        let ciphertext = try gcm.encrypt(Array(packet.dropFirst(clear)))
        return Array(packet.prefix(clear)) + ciphertext + (try gcm.tag())
    }

    /// RFC 7714 §9.1: IV = (0x0000 ‖ SSRC ‖ 0x0000 ‖ 0 ‖ index) XOR salt. Encrypted (E=1): AAD = the
    /// first 8 bytes ‖ E‖index, output = those 8 ‖ ciphertext ‖ tag ‖ E‖index. Authenticated only (E=0,
    /// §9.2 / §17): AAD = the whole packet ‖ E‖index, output = packet ‖ tag ‖ E‖index.
    static func gcmProtectRTCP(_ packet: [UInt8], sessionKey: [UInt8], sessionSalt: [UInt8], index: UInt32, encrypt: Bool = true) throws -> [UInt8] {
        let ssrc = packet[4..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let iv = zip([0, 0] + bytes(ssrc, count: 4) + [0, 0] + bytes(UInt64(index), count: 4), sessionSalt).map { $0 ^ $1 }
        let trailer = bytes(UInt64(index) | (encrypt ? 0x8000_0000 : 0), count: 4)
        let gcm = try LibSRTPCipher(sessionKey.count == 32 ? .aesGCM256 : .aesGCM128, keyAndSalt: sessionKey + [UInt8](repeating: 0, count: 12))
        try gcm.start(iv: iv)
        if encrypt {
            try gcm.authenticate(Array(packet.prefix(8)) + trailer)
            let ciphertext = try gcm.encrypt(Array(packet.dropFirst(8)))
            return Array(packet.prefix(8)) + ciphertext + (try gcm.tag()) + trailer
        }
        try gcm.authenticate(packet + trailer)
        _ = try gcm.encrypt([])  // nothing to encrypt; this computes the tag
        return packet + (try gcm.tag()) + trailer
    }

    /// RFC 3711 §4.1.1 AES-CM on an RTP payload: IV = (salt · 2^16) XOR (SSRC · 2^64) XOR (index · 2^16),
    /// the salt being the cipher's offset and the rest its nonce.
    static func counterModeEncryptRTPPayload(_ packet: [UInt8], sessionKey: [UInt8], sessionSalt: [UInt8], roc: UInt32 = 0) throws -> [UInt8] {
        let ssrc = packet[8..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let index = UInt64(roc) << 16 | UInt64(packet[2]) << 8 | UInt64(packet[3])
        let aes = try LibSRTPCipher(sessionKey.count == 32 ? .aesICM256 : .aesICM128, keyAndSalt: sessionKey + sessionSalt)
        try aes.start(iv: [0, 0, 0, 0] + bytes(ssrc, count: 4) + bytes(index, count: 6) + [0, 0])
        return Array(packet.prefix(12)) + (try aes.encrypt(Array(packet.dropFirst(12))))
    }
}
