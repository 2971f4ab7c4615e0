/// The payload types RFC 3551 §6 assigns statically (Table 4 and 5): meaningful without any SDP.
enum StaticPayloadTypes {
    static let codecs: [UInt8: SignalledCodec] = [
        0: SignalledCodec(name: "PCMU", clockRate: 8000), 3: SignalledCodec(name: "GSM", clockRate: 8000),
        4: SignalledCodec(name: "G723", clockRate: 8000), 8: SignalledCodec(name: "PCMA", clockRate: 8000),
        9: SignalledCodec(name: "G722", clockRate: 8000), 10: SignalledCodec(name: "L16", clockRate: 44100),
        11: SignalledCodec(name: "L16", clockRate: 44100), 13: SignalledCodec(name: "CN", clockRate: 8000),
        18: SignalledCodec(name: "G729", clockRate: 8000), 26: SignalledCodec(name: "JPEG", clockRate: 90000),
        31: SignalledCodec(name: "H261", clockRate: 90000), 32: SignalledCodec(name: "MPV", clockRate: 90000),
        34: SignalledCodec(name: "H263", clockRate: 90000),
    ]

    /// Sample-based encodings (RFC 3551 §4.5): any whole number of octets is a valid payload, so there
    /// is no structure to judge and a payload of theirs is never "not judged".
    static let unstructured: Set<UInt8> = [0, 8, 9, 10, 11]
}
