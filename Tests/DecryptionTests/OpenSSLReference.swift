import COpenSSL
import Glibc

/// Independent implementations from OpenSSL, called directly, that the module's results are checked
/// against. Test-only: the module itself never calls these.
enum OpenSSLReference {
    /// OpenSSL's TLS 1.2 PRF (`EVP_KDF` "TLS1-PRF"): `P_<digest>(secret, label ‖ seed)`.
    static func tls12PRF(digest: String, secret: [UInt8], label: String, seed: [UInt8], length: Int) -> [UInt8]? {
        guard let kdf = EVP_KDF_fetch(nil, "TLS1-PRF", nil) else { return nil }
        defer { EVP_KDF_free(kdf) }
        guard let context = EVP_KDF_CTX_new(kdf) else { return nil }
        defer { EVP_KDF_CTX_free(context) }
        var secret = secret
        var fullSeed = Array(label.utf8) + seed
        var digestName = Array(digest.utf8CString)
        var output = [UInt8](repeating: 0, count: length)
        // OSSL_PARAM keeps the key pointers, so they must outlive the derive call: Swift's temporary
        // C strings for a String argument would not.
        guard let digestKey = strdup(OSSL_KDF_PARAM_DIGEST), let secretKey = strdup(OSSL_KDF_PARAM_SECRET),
              let seedKey = strdup(OSSL_KDF_PARAM_SEED)
        else { return nil }
        defer { free(digestKey); free(secretKey); free(seedKey) }
        let status = secret.withUnsafeMutableBytes { secretBytes in
            fullSeed.withUnsafeMutableBytes { seedBytes in
                digestName.withUnsafeMutableBufferPointer { name in
                    var parameters = [
                        OSSL_PARAM_construct_utf8_string(digestKey, name.baseAddress, 0),
                        OSSL_PARAM_construct_octet_string(secretKey, secretBytes.baseAddress, secretBytes.count),
                        OSSL_PARAM_construct_octet_string(seedKey, seedBytes.baseAddress, seedBytes.count),
                        OSSL_PARAM_construct_end(),
                    ]
                    return output.withUnsafeMutableBufferPointer { out in
                        EVP_KDF_derive(context, out.baseAddress, out.count, &parameters)
                    }
                }
            }
        }
        return status == 1 ? output : nil
    }

    /// AES-GCM encryption with OpenSSL EVP (NIST SP 800-38D): ciphertext ‖ 16-byte tag.
    static func aesGCMSeal(key: [UInt8], nonce: [UInt8], additionalData: [UInt8], plaintext: [UInt8]) -> [UInt8]? {
        let cipher: OpaquePointer? = switch key.count {
        case 16: EVP_aes_128_gcm()
        case 32: EVP_aes_256_gcm()
        default: nil
        }
        guard let cipher, let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        var length: Int32 = 0
        var output = [UInt8](repeating: 0, count: plaintext.count + 16)
        guard EVP_EncryptInit_ex(context, cipher, nil, nil, nil) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1,
              EVP_EncryptInit_ex(context, nil, nil, key, nonce) == 1,
              additionalData.isEmpty || EVP_EncryptUpdate(context, nil, &length, additionalData, Int32(additionalData.count)) == 1
        else { return nil }
        let sealed = output.withUnsafeMutableBufferPointer { out -> Bool in
            guard let base = out.baseAddress else { return false }
            var written: Int32 = 0
            if !plaintext.isEmpty {
                guard EVP_EncryptUpdate(context, base, &written, plaintext, Int32(plaintext.count)) == 1 else { return false }
            }
            var final: Int32 = 0
            guard EVP_EncryptFinal_ex(context, base + Int(written), &final) == 1 else { return false }
            return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, base + plaintext.count) == 1
        }
        return sealed ? output : nil
    }
}
