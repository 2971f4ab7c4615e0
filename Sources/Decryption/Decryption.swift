// Decryption for the replay checker (issue 5): NSS key logs, the TLS 1.2 PRF and the DTLS-SRTP
// exporter, DTLS 1.2 AEAD records, SRTP and SRTCP through libsrtp. Built up in the files beside this one.
