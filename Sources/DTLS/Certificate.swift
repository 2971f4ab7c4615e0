import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Hashing

/// An ECDSA P-256 key and a self-signed X.509 certificate for it: the identity a WebRTC endpoint
/// presents in DTLS and announces in SDP by fingerprint (RFC 8827 §6.5, RFC 8122 §5).
///
/// The OpenSSL key and certificate objects are created once and never changed, and OpenSSL's
/// reference-counted `EVP_PKEY`/`X509` objects may be read from several threads; so one certificate
/// is shared by value between endpoints (it is a class because it owns the two C objects).
public final class DTLSCertificate: @unchecked Sendable {
    /// `X509 *`, freed with the certificate.
    let x509: OpaquePointer
    /// `EVP_PKEY *` holding the private key.
    let privateKey: OpaquePointer
    /// The certificate in DER, as it travels in the DTLS Certificate message.
    public let der: [UInt8]

    /// Generates a P-256 key pair and a self-signed certificate valid from one day ago for
    /// `validityDays` days, signed with ECDSA-SHA256.
    ///
    /// The key comes from OpenSSL's random generator: a certificate is an identity, not something a
    /// test should be able to reproduce. `serialNumber` is the caller's (RFC 5280 §4.1.2.2 wants it
    /// positive and unique per issuer; every certificate here is its own issuer).
    /// - Throws: `.configuration` with OpenSSL's reason when a step fails.
    public convenience init(commonName: String = "WebRTC", serialNumber: UInt32 = 1, validityDays: Int = 30) throws(DTLSEndpointError) {
        try self.init(commonName: commonName, serialNumber: serialNumber, validityDays: validityDays, libraryContext: nil, issuedAt: nil)
    }

    /// A certificate that is a function of `randomness` and `issuedAt` (seconds since 1970): the key and
    /// the signature's nonce come from the generator, the validity starts one day before `issuedAt`.
    ///
    /// For simulations only (DESIGN §1.5: the same seed gives the same bytes): anyone with the seed has
    /// the private key.
    public convenience init(
        seededBy randomness: inout some RandomNumberGenerator, issuedAt: Int = 1_767_225_600,
        commonName: String = "WebRTC", serialNumber: UInt32 = 1, validityDays: Int = 30
    ) throws(DTLSEndpointError) {
        // The seeded context's generators hand out only the bytes supplied here: a key and one signature
        // draw far less than one supply. Its key objects refer to the context whenever they are used (a
        // handshake exports the key to the session's context); the context lives as long as the process.
        guard let context = SeededOpenSSL.context, SeededOpenSSL.supply(from: &randomness) else {
            throw OpenSSLErrors.configuration("seeded random generator (TEST-RAND)")
        }
        try self.init(
            commonName: commonName, serialNumber: serialNumber, validityDays: validityDays, libraryContext: context,
            issuedAt: issuedAt)
    }

    /// The one recipe: a P-256 key and a self-signed v3 certificate, from `libraryContext`'s generator
    /// (the default one when nil), valid from one day before `issuedAt` (now when nil).
    private init(
        commonName: String, serialNumber: UInt32, validityDays: Int, libraryContext: OpaquePointer?, issuedAt: Int?
    ) throws(DTLSEndpointError) {
        ERR_clear_error()
        guard let keyContext = EVP_PKEY_CTX_new_from_name(libraryContext, "EC", nil) else {
            throw OpenSSLErrors.configuration("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(keyContext) }
        var generated: OpaquePointer?
        guard EVP_PKEY_keygen_init(keyContext) == 1,
              EVP_PKEY_CTX_set_ec_paramgen_curve_nid(keyContext, NID_X9_62_prime256v1) == 1,
              EVP_PKEY_keygen(keyContext, &generated) == 1, let key = generated
        else { throw OpenSSLErrors.configuration("P-256 key generation") }

        guard let certificate = X509_new_ex(libraryContext, nil) else {
            EVP_PKEY_free(key)
            throw OpenSSLErrors.configuration("X509_new")
        }
        var signed = false
        defer {
            if !signed {
                X509_free(certificate)
                EVP_PKEY_free(key)
            }
        }
        let days = max(1, min(validityDays, 3650))
        var issued = time_t(issuedAt ?? Int(time(nil)))
        guard X509_set_version(certificate, 2) == 1,  // v3 (the field holds version − 1)
              ASN1_INTEGER_set(X509_get_serialNumber(certificate), Int(max(serialNumber, 1))) == 1,
              X509_time_adj_ex(X509_getm_notBefore(certificate), -1, 0, &issued) != nil,
              X509_time_adj_ex(X509_getm_notAfter(certificate), Int32(days), 0, &issued) != nil,
              X509_set_pubkey(certificate, key) == 1,
              let name = X509_get_subject_name(certificate),
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0) == 1,
              X509_set_issuer_name(certificate, name) == 1,
              X509_sign(certificate, key, EVP_sha256()) > 0
        else { throw OpenSSLErrors.configuration("self-signed certificate") }
        guard let der = Self.encode(certificate) else { throw OpenSSLErrors.configuration("i2d_X509") }
        signed = true
        self.x509 = certificate
        self.privateKey = key
        self.der = der
    }

    deinit {
        X509_free(x509)
        EVP_PKEY_free(privateKey)
    }

    /// The fingerprint SDP announces for this certificate (`a=fingerprint`, RFC 8122 §5).
    public func fingerprint(_ algorithm: DigestAlgorithm = .sha256) -> CertificateFingerprint {
        CertificateFingerprint(of: der, algorithm: algorithm)
    }

    /// The DER encoding of an `X509 *`.
    static func encode(_ certificate: OpaquePointer) -> [UInt8]? {
        let length = i2d_X509(certificate, nil)
        guard length > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_X509(certificate, &cursor)
        }
        return written == length ? bytes : nil
    }
}
