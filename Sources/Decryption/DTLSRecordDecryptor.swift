import COpenSSL
import Synchronization
public import Hashing
import Wire

/// A TLS 1.2 AES-GCM cipher suite (RFC 5288, RFC 5289, RFC 5487), the only kind of DTLS 1.2 record
/// protection this module removes. WebRTC stacks negotiate these (ECDHE_ECDSA / ECDHE_RSA with
/// AES_128_GCM_SHA256 or AES_256_GCM_SHA384).
public struct DTLSAEADSuite: Hashable, Sendable {
    /// The cipher suite's registry value, as the ServerHello carries it.
    public let code: UInt16
    /// AES key length: 16 or 32 bytes.
    public let keyLength: Int
    /// The PRF hash the suite names (RFC 5288 §3, RFC 5289 §3.2): SHA-256 or SHA-384.
    public let prfHash: DigestAlgorithm

    /// The salt part of the nonce, from the key block (RFC 5288 §3: `client/server_write_IV`).
    public static let implicitNonceLength = 4
    /// The per-record part of the nonce, sent at the start of each record's fragment (RFC 5288 §3).
    public static let explicitNonceLength = 8
    /// The GCM tag length (RFC 5116 §5.1, §5.2: AEAD_AES_128_GCM / AEAD_AES_256_GCM).
    public static let tagLength = 16

    /// The suite for `code`, or `DecryptionError.unsupportedCipherSuite` when it is not AES-GCM.
    public init(code: UInt16) throws(DecryptionError) {
        guard let (keyLength, hash) = Self.known[code] else { throw .unsupportedCipherSuite(code) }
        self.code = code
        self.keyLength = keyLength
        self.prfHash = hash
    }

    /// Every AES-GCM suite of the TLS registry: AES-128 ones use SHA-256, AES-256 ones SHA-384.
    static let known: [UInt16: (Int, DigestAlgorithm)] = {
        let aes128: [UInt16] = [
            0x009C, 0x009E, 0x00A0, 0x00A2, 0x00A4, 0x00A6,  // RFC 5288 §3: RSA, DHE_RSA, DH_RSA, DHE_DSS, DH_DSS, DH_anon
            0x00A8, 0x00AA, 0x00AC,  // RFC 5487 §3.1: PSK, DHE_PSK, RSA_PSK
            0xC02B, 0xC02D, 0xC02F, 0xC031,  // RFC 5289 §3.2: ECDHE_ECDSA, ECDH_ECDSA, ECDHE_RSA, ECDH_RSA
        ]
        let aes256: [UInt16] = [
            0x009D, 0x009F, 0x00A1, 0x00A3, 0x00A5, 0x00A7,
            0x00A9, 0x00AB, 0x00AD,
            0xC02C, 0xC02E, 0xC030, 0xC032,
        ]
        var table: [UInt16: (Int, DigestAlgorithm)] = [:]
        for code in aes128 { table[code] = (16, .sha256) }
        for code in aes256 { table[code] = (32, .sha384) }
        return table
    }()

    /// The registry values of every suite `init(code:)` accepts, in ascending order.
    public static var supportedCodes: [UInt16] { known.keys.sorted() }
}

/// Which side of a DTLS association sent a record, which chooses the write key (RFC 5246 §6.3).
public enum DTLSSender: Hashable, Sendable, CaseIterable {
    case client
    case server
}

/// Removes DTLS 1.2 AES-GCM record protection (RFC 5288 §3, RFC 6347 §4.1.2.1) for one association,
/// given its master secret (from an NSS key log) and the two hello randoms.
///
/// Records of epoch 0 are not protected; this type is for records of the epoch the handshake's
/// ChangeCipherSpec started (epoch 1 for a first handshake). It holds only keys: decrypting is a pure
/// function of the record, so it is `Sendable` and records may be decrypted in any order.
public struct DTLSRecordDecryptor: Hashable, Sendable {
    public let suite: DTLSAEADSuite
    /// The key material behind one reference: a replay copies the decryptor with its handshake on every
    /// record, and four arrays and two ciphers made that six reference counts.
    private let keys: Keys

    private final class Keys: Hashable, Sendable {
        let clientWriteKey: [UInt8]
        let serverWriteKey: [UInt8]
        let clientWriteIV: [UInt8]
        let serverWriteIV: [UInt8]
        /// Each write key scheduled once, for every record of its direction.
        let clientCipher: AESGCMKey
        let serverCipher: AESGCMKey

        init(clientWriteKey: [UInt8], serverWriteKey: [UInt8], clientWriteIV: [UInt8], serverWriteIV: [UInt8]) throws(DecryptionError) {
            (self.clientWriteKey, self.serverWriteKey, self.clientWriteIV, self.serverWriteIV) = (clientWriteKey, serverWriteKey, clientWriteIV, serverWriteIV)
            clientCipher = try AESGCMKey(clientWriteKey)
            serverCipher = try AESGCMKey(serverWriteKey)
        }

        /// Equal when the key material is: the scheduled ciphers follow from it.
        static func == (lhs: Keys, rhs: Keys) -> Bool {
            (lhs.clientWriteKey, lhs.serverWriteKey, lhs.clientWriteIV, lhs.serverWriteIV)
                == (rhs.clientWriteKey, rhs.serverWriteKey, rhs.clientWriteIV, rhs.serverWriteIV)
        }

        func hash(into hasher: inout Hasher) {
            for material in [clientWriteKey, serverWriteKey, clientWriteIV, serverWriteIV] { hasher.combine(material) }
        }
    }

    /// The length of the DTLS record header: type (1), version (2), epoch (2), sequence number (6),
    /// length (2) (RFC 6347 §4.1).
    public static let headerLength = 13

    /// Keys for `cipherSuite` from the key block (RFC 5246 §6.3). AEAD suites have no MAC keys, so the
    /// block is client key ‖ server key ‖ client IV ‖ server IV.
    ///
    /// - Throws: `.unsupportedCipherSuite` unless the suite is AES-GCM; `.badKey` for a master secret
    ///   other than 48 bytes or randoms other than 32.
    public init(
        cipherSuite: UInt16, masterSecret: [UInt8], clientRandom: [UInt8], serverRandom: [UInt8]
    ) throws(DecryptionError) {
        let suite = try DTLSAEADSuite(code: cipherSuite)
        try KeyingMaterialExporter.checkHandshakeSecrets(
            masterSecret: masterSecret, clientRandom: clientRandom, serverRandom: serverRandom)
        let keyLength = suite.keyLength
        let ivLength = DTLSAEADSuite.implicitNonceLength
        let block = TLSPRF.keyBlock(
            suite.prfHash, masterSecret: masterSecret, clientRandom: clientRandom, serverRandom: serverRandom,
            length: 2 * (keyLength + ivLength))
        self.suite = suite
        keys = try Keys(
            clientWriteKey: Array(block[0..<keyLength]), serverWriteKey: Array(block[keyLength..<2 * keyLength]),
            clientWriteIV: Array(block[2 * keyLength..<2 * keyLength + ivLength]),
            serverWriteIV: Array(block[2 * keyLength + ivLength..<2 * (keyLength + ivLength)]))
    }

    /// The plaintext of one whole DTLS record (header and fragment, exactly as long as its length
    /// field says) sent by `sender`.
    public func decrypt(record: [UInt8], from sender: DTLSSender) throws(DecryptionError) -> [UInt8] {
        var reader = ByteReader(record)
        let header: (type: UInt8, version: UInt16, epoch: UInt16, sequenceNumber: UInt64, length: Int)
        do {
            header = (try reader.readUInt8(), try reader.readUInt16(), try reader.readUInt16(),
                      try reader.readUInt48(), Int(try reader.readUInt16()))
        } catch {
            throw .malformedPacket("a DTLS record of \(record.count) bytes is shorter than its \(Self.headerLength)-byte header")
        }
        guard reader.remaining == header.length else {
            throw .malformedPacket("the length field says \(header.length) bytes of fragment, the record has \(reader.remaining)")
        }
        return try decrypt(
            contentType: header.type, version: header.version, epoch: header.epoch,
            sequenceNumber: header.sequenceNumber, fragment: reader.readRemaining(), from: sender)
    }

    /// The plaintext of a record given by its header fields and its protected fragment
    /// (`GenericAEADCipher`: 8-byte explicit nonce ‖ ciphertext ‖ 16-byte tag, RFC 5246 §6.2.3.3).
    ///
    /// The nonce is the sender's 4-byte write IV ‖ the explicit nonce (RFC 5288 §3); the additional
    /// data is `epoch ‖ sequence_number ‖ type ‖ version ‖ plaintext length`, DTLS putting epoch and
    /// sequence number where TLS has its implicit 64-bit sequence number (RFC 6347 §4.1.2.1).
    ///
    /// - Throws: `.authenticationFailed` when the tag does not verify (wrong keys, wrong direction, or
    ///   altered header or fragment); `.malformedPacket` for a fragment too short to hold nonce and tag.
    public func decrypt(
        contentType: UInt8, version: UInt16, epoch: UInt16, sequenceNumber: UInt64, fragment: [UInt8],
        from sender: DTLSSender
    ) throws(DecryptionError) -> [UInt8] {
        try decrypt(
            contentType: contentType, version: version, epoch: epoch, sequenceNumber: sequenceNumber, fragment: fragment[...],
            from: sender)
    }

    /// As `decrypt(contentType:version:epoch:sequenceNumber:fragment:from:)`, over a slice of the
    /// datagram the record came in, which is read in place.
    public func decrypt(
        contentType: UInt8, version: UInt16, epoch: UInt16, sequenceNumber: UInt64, fragment: ArraySlice<UInt8>,
        from sender: DTLSSender
    ) throws(DecryptionError) -> [UInt8] {
        let overhead = DTLSAEADSuite.explicitNonceLength + DTLSAEADSuite.tagLength
        guard fragment.count >= overhead else {
            throw .malformedPacket("an AEAD fragment of \(fragment.count) bytes cannot hold the \(overhead) bytes of nonce and tag")
        }
        guard fragment.count <= Int(UInt16.max) else {
            throw .malformedPacket("a fragment of \(fragment.count) bytes does not fit a record")
        }
        guard sequenceNumber < 1 << 48 else {
            throw .malformedPacket("sequence number \(sequenceNumber) does not fit 48 bits")
        }
        let start = fragment.startIndex
        let ciphertext = fragment[(start + DTLSAEADSuite.explicitNonceLength)..<(fragment.endIndex - DTLSAEADSuite.tagLength)]

        var additionalData = ByteWriter(capacity: 13)
        additionalData.writeUInt16(epoch)
        additionalData.writeUInt48(sequenceNumber)
        additionalData.writeUInt8(contentType)
        additionalData.writeUInt16(version)
        additionalData.writeUInt16(UInt16(ciphertext.count))

        let nonce = (sender == .client ? keys.clientWriteIV : keys.serverWriteIV) + fragment[start..<(start + DTLSAEADSuite.explicitNonceLength)]
        return try (sender == .client ? keys.clientCipher : keys.serverCipher).open(
            nonce: nonce, additionalData: additionalData.bytes, ciphertext: ciphertext, tag: fragment.suffix(DTLSAEADSuite.tagLength))
    }
}

/// AES-GCM decryption with tag check through OpenSSL EVP (NIST SP 800-38D §7.2), under one key.
///
/// The key is scheduled once into an EVP context that each record then re-arms with its own nonce:
/// creating a context and expanding the key for every record cost the replay as much as decrypting a
/// 1,100-byte record. An EVP context is not reentrant, so a mutex serialises its users.
final class AESGCMKey: Sendable {
    /// The nonce RFC 5288 §3 builds: 4 implicit bytes and 8 explicit ones.
    static let nonceLength = 12
    private let context: Mutex<OpaquePointer>

    /// - Throws: `.badKey` unless the key is 16 or 32 bytes; `.libraryFailure` when OpenSSL refuses it.
    init(_ key: [UInt8]) throws(DecryptionError) {
        let cipher: OpaquePointer? = switch key.count {
        case 16: EVP_aes_128_gcm()
        case 32: EVP_aes_256_gcm()
        default: nil
        }
        guard let cipher else { throw .badKey("an AES-GCM key of \(key.count) bytes") }
        guard let context = EVP_CIPHER_CTX_new() else { throw .libraryFailure("EVP_CIPHER_CTX_new failed") }
        guard EVP_DecryptInit_ex(context, cipher, nil, nil, nil) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(Self.nonceLength), nil) == 1,
              EVP_DecryptInit_ex(context, nil, nil, key, nil) == 1
        else {
            EVP_CIPHER_CTX_free(context)
            throw .libraryFailure("AES-GCM initialisation failed")
        }
        self.context = Mutex(context)
    }

    deinit {
        context.withLock { EVP_CIPHER_CTX_free($0) }
    }

    /// The plaintext of `ciphertext`, when `tag` verifies over it and `additionalData` under `nonce`.
    func open(
        nonce: [UInt8], additionalData: [UInt8], ciphertext: ArraySlice<UInt8>, tag: ArraySlice<UInt8>
    ) throws(DecryptionError) -> [UInt8] {
        try context.withLock { (context: inout OpaquePointer) throws(DecryptionError) -> [UInt8] in
            // Callers bound every length by a 16-bit record length, so these conversions cannot overflow.
            var scratch: Int32 = 0
            // The IV length stays as `init` set it; re-arming with a new nonce keeps the key schedule.
            guard nonce.count == AESGCMKey.nonceLength, EVP_DecryptInit_ex(context, nil, nil, nil, nonce) == 1 else {
                throw .libraryFailure("AES-GCM initialisation failed")
            }
            if !additionalData.isEmpty {
                guard EVP_DecryptUpdate(context, nil, &scratch, additionalData, Int32(additionalData.count)) == 1 else {
                    throw .libraryFailure("AES-GCM additional data was refused")
                }
            }
            let context = context
            // One spare block: EVP may write up to a block beyond the input for block ciphers (not GCM's
            // stream mode, but the documented bound costs nothing). Left uninitialised: EVP writes what is kept.
            var verified = false
            let plaintext = [UInt8](unsafeUninitializedCapacity: ciphertext.count + 16) { output, initialized in
                initialized = 0
                guard let base = output.baseAddress else { return }
                var written: Int32 = 0
                if !ciphertext.isEmpty {
                    let updated = ciphertext.withUnsafeBufferPointer { input in
                        EVP_DecryptUpdate(context, base, &written, input.baseAddress, Int32(input.count))
                    }
                    guard updated == 1 else { return }
                }
                // SET_TAG copies the tag in; the pointer is mutable only in the C signature.
                let tagSet = tag.withUnsafeBytes { tag in
                    EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tag.count), UnsafeMutableRawPointer(mutating: tag.baseAddress))
                }
                guard tagSet == 1 else { return }
                var final: Int32 = 0
                // DecryptFinal is where GCM compares the tag: any value but 1 means it did not verify.
                verified = EVP_DecryptFinal_ex(context, base + Int(written), &final) == 1
                initialized = verified ? ciphertext.count : 0
            }
            guard verified else { throw .authenticationFailed }
            return plaintext
        }
    }
}
