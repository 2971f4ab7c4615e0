extension SRTPProfile {
    /// Bytes of the authentication tag on an SRTP packet: 10 or 4 for the HMAC-SHA1 profiles (RFC 3711
    /// §4.2, RFC 5764 §4.1.2), 16 for AEAD (RFC 7714 §7.2). With no MKI it is all SRTP adds to RTP.
    public var rtpTagLength: Int {
        switch self {
        case .aes128CounterHMACSHA1_80: 10
        case .aes128CounterHMACSHA1_32: 4
        case .aeadAES128GCM, .aeadAES256GCM: 16
        }
    }

    /// Bytes of the authentication tag on an SRTCP packet: SRTCP keeps the 80-bit tag even in the _32
    /// profile (RFC 5764 §4.1.2); 16 for AEAD (RFC 7714 §7.2).
    public var rtcpTagLength: Int {
        switch self {
        case .aes128CounterHMACSHA1_80, .aes128CounterHMACSHA1_32: 10
        case .aeadAES128GCM, .aeadAES256GCM: 16
        }
    }

    /// Bytes SRTCP adds to an RTCP packet: the E flag and 31-bit index word, then the tag (RFC 3711 §3.4).
    public var rtcpOverhead: Int { 4 + rtcpTagLength }
}
