#pragma once
// OpenSSL 3 (Debian libssl-dev): digests and HMAC now; DTLS and certificates in later layers.
// The low-level SHA and MD5 contexts are plain structs that HMAC keys copy cheaply; OpenSSL 3 marks them
// deprecated in favour of EVP, whose per-call provider dispatch costs about a microsecond per MAC.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/crypto.h>
#include <openssl/md5.h>
#include <openssl/sha.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/ec.h>
#include <openssl/srtp.h>
#include <openssl/rand.h>

// DTLS endpoint (Sources/DTLS): functions for the OpenSSL calls that are macros, which Swift cannot call.
static inline long crucible_SSL_set_mtu(SSL *ssl, long mtu) { return SSL_set_mtu(ssl, mtu); }
static inline long crucible_DTLS_set_link_mtu(SSL *ssl, long mtu) { return DTLS_set_link_mtu(ssl, mtu); }
static inline long crucible_DTLSv1_handle_timeout(SSL *ssl) { return DTLSv1_handle_timeout(ssl); }
/// 1 while OpenSSL's retransmission timer runs (the time left it reports is ignored: the machine owns time).
static inline long crucible_DTLSv1_timer_running(SSL *ssl) {
    struct timeval left;
    return DTLSv1_get_timeout(ssl, &left);
}
static inline uint64_t crucible_SSL_OP_NO_QUERY_MTU(void) { return SSL_OP_NO_QUERY_MTU; }
static inline long crucible_SSL_CTX_set_dtls12_only(SSL_CTX *ctx) {
    return SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) && SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION);
}
static inline long crucible_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *list) {
    return SSL_CTX_set1_groups_list(ctx, list);
}
static inline void crucible_BIO_set_retry_read(BIO *bio) { BIO_set_retry_read(bio); }
static inline void crucible_BIO_clear_retry_flags(BIO *bio) { BIO_clear_retry_flags(bio); }
static inline long crucible_DTLSv1_get_timeout(SSL *ssl, struct timeval *left) { return DTLSv1_get_timeout(ssl, left); }
static inline uint64_t crucible_SSL_OP_NO_TICKET(void) { return SSL_OP_NO_TICKET; }
static inline uint64_t crucible_SSL_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }

// Seeded DTLS endpoints and certificates (Sources/DTLS, `SeededOpenSSL`): every random byte their OpenSSL
// draws comes from the machine's generator. They share one library context whose DRBGs are OpenSSL's
// "TEST-RAND" (default provider, OpenSSL 3.0): a generator that hands out the bytes of its
// "test_entropy" parameter in order and fails once they are used up. The DRBG type must be chosen
// before the context draws anything.
static inline int crucible_OSSL_LIB_CTX_use_test_rand(OSSL_LIB_CTX *ctx) {
    return RAND_set_DRBG_type(ctx, "TEST-RAND", NULL, NULL, NULL);
}
/// Gives the calling thread's public and private DRBGs of `ctx` (OpenSSL keeps them per thread) the
/// next bytes to hand out: `length` bytes each, the public first. Replaces what was left of the last
/// supply. 1 on success.
static inline int crucible_OSSL_LIB_CTX_supply_test_rand(OSSL_LIB_CTX *ctx, const unsigned char *bytes, size_t length) {
    EVP_RAND_CTX *generators[2] = { RAND_get0_public(ctx), RAND_get0_private(ctx) };
    unsigned int strength = 256;
    for (int index = 0; index < 2; index++) {
        OSSL_PARAM params[3];
        if (generators[index] == NULL)
            return 0;
        params[0] = OSSL_PARAM_construct_octet_string(OSSL_RAND_PARAM_TEST_ENTROPY, (void *)(bytes + index * length), length);
        params[1] = OSSL_PARAM_construct_uint(OSSL_RAND_PARAM_STRENGTH, &strength);
        params[2] = OSSL_PARAM_construct_end();
        if (EVP_RAND_CTX_set_params(generators[index], params) != 1)
            return 0;
    }
    return 1;
}
