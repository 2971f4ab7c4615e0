// Decryption for the replay checker (issue 5). One file per step, each pure over value types except
// the libsrtp sessions, which hold per-stream state by design:
//   KeyLog.swift             NSS key log → master secret by client random
//   PRF.swift                TLS 1.2 PRF (RFC 5246 §5) and key block (§6.3)
//   Exporter.swift           RFC 5705 exporter, DTLS-SRTP key split (RFC 5764 §4.2)
//   DTLSRecordDecryptor.swift DTLS 1.2 AES-GCM records (RFC 5288, RFC 6347 §4.1.2.1)
//   DTLSHandshakeSecrets.swift randoms + suite + key log → record decryptor and SRTP keys
//   SRTPKeyring.swift        keys and sessions by SSRC, `--srtp-key SSRC=BASE64` (sessions from the SRTP module)
// All refusals are `DecryptionError`s; nothing here traps on input.
