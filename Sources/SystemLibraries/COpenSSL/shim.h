#pragma once
// OpenSSL 3 (Debian libssl-dev): digests and HMAC now; DTLS and certificates in later layers.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
