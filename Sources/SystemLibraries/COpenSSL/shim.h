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
