public import Wire

// Structure-aware mutation (DESIGN §4) for RTP, SRTP and the VP8 and Opus payloads. `serialize` derives
// CC, the X and P bits, the extension length and the padding count from the model (RFC 3550 §5.1), so a
// mutant keeps its framing and reaches the extension, padding and payload parsers.

extension RTPHeader {
    /// The most CSRCs the 4-bit CC field counts (RFC 3550 §5.1).
    static let maxCSRCs = 15

    /// One change to the header: V-independent bits and fields, the CSRC list, or the header extension
    /// (its profile, its RFC 8285 elements, or its raw words).
    mutating func mutate(using generator: inout SeededGenerator) {
        switch generator.below(10) {
        case 0: marker.toggle()
        case 1: FieldMutator.mutate(&payloadType, bits: 7, using: &generator)
        case 2: FieldMutator.mutate(&sequenceNumber, using: &generator)
        case 3: FieldMutator.mutate(&timestamp, using: &generator)
        case 4: FieldMutator.mutate(&ssrc, using: &generator)
        case 5:
            FieldMutator.mutate(&csrcs, maxCount: Self.maxCSRCs, using: &generator,
                                fresh: { UInt32(truncatingIfNeeded: $0.next()) },
                                element: { FieldMutator.mutate(&$0, using: &$1); return true })
        default:
            mutateExtension(using: &generator)
        }
    }

    /// Adds, removes or changes the header extension (RFC 3550 §5.3.1, RFC 8285).
    mutating func mutateExtension(using generator: inout SeededGenerator) {
        guard var ext = headerExtension else {
            headerExtension = RTPExtensionElements.random(using: &generator).encode()
            return
        }
        switch generator.below(6) {
        case 0:
            headerExtension = nil
        case 1:  // another profile: one-byte, two-byte with app bits, or anything
            ext.profile = [0xBEDE, 0x1000 | UInt16(generator.below(16)), FieldMutator.mutated(ext.profile, using: &generator)][generator.below(3)]
        case 2, 3, 4:  // the elements, when the body decodes as RFC 8285 elements
            if var elements = try? RTPExtensionElements.decode(ext) {
                elements.mutate(using: &generator)
                ext = elements.encode()
            } else {
                fallthrough
            }
        default:  // raw words: the length field counts 32-bit words, so whole words only
            var data = Array(ext.data)
            FieldMutator.mutate(&data, maxLength: 256, using: &generator)
            data.append(contentsOf: repeatElement(0, count: (4 - data.count % 4) % 4))
            ext.data = data[...]
        }
        if headerExtension != nil { headerExtension = ext }
    }
}

extension RTPExtensionElements {
    /// One change to the element list: the form (one-byte ⇄ two-byte), an element's ID or data, padding
    /// between elements, or list operations (RFC 8285 §4).
    mutating func mutate(using generator: inout SeededGenerator) {
        switch generator.below(5) {
        case 0:
            form = switch form {
            case .oneByte: .twoByte(appBits: UInt8(generator.below(16)))
            case .twoByte: .oneByte
            }
        case 1:
            items.insert(.padding(1 + generator.below(4)), at: generator.below(items.count + 1))
        default:
            let isOneByte = form == .oneByte
            FieldMutator.mutate(&items, maxCount: 16, using: &generator, fresh: { generator in
                .element(RTPExtensionElement(id: UInt8(1 + generator.below(14)), data: (0..<(1 + generator.below(isOneByte ? 16 : 32))).map { _ in generator.byte() }))
            }, element: { item, generator in
                guard case .element(var element) = item else { return false }
                if generator.chance(2) { FieldMutator.mutate(&element.id, bits: isOneByte ? 4 : 8, using: &generator) }
                else { FieldMutator.mutate(&element.data, maxLength: isOneByte ? 16 : 255, using: &generator) }
                item = .element(element)
                return true
            })
        }
    }
}

extension RTPCodec {
    /// Changes one thing: a header field, the CSRC list, the header extension, the payload bytes, or the
    /// padding (absent, or 1–255 bytes whose last octet `serialize` sets to the count, RFC 3550 §5.1).
    public static func mutate(_ value: inout RTPPacket, using generator: inout SeededGenerator) -> Bool {
        switch generator.below(10) {
        case 0, 1, 2, 3, 4, 5: value.header.mutate(using: &generator)
        case 6, 7: FieldMutator.mutate(&value.payload, maxLength: 1200, using: &generator)
        default:
            if value.padding.isEmpty || generator.chance(3) {
                let count = [1, 2, 3, 4, 255, 1 + generator.below(255)][generator.below(6)]
                value.padding = ArraySlice((0..<count).map { _ in generator.chance(2) ? 0 : generator.byte() })
            } else {
                value.padding = []
            }
        }
        return true
    }

    /// Extension profiles (RFC 8285), the version byte with each of P, X and CC, and common payload types.
    public static var dictionary: [[UInt8]] { rtpHeaderTokens }

    static var rtpHeaderTokens: [[UInt8]] {
        var tokens: [[UInt8]] = [[0xBE, 0xDE], [0x10, 0x00]]
        tokens += [0x80, 0x90, 0xA0, 0xB0, 0x8F].map { [$0] }
        tokens += [0, 8, 96, 97, 100, 111, 127].flatMap { [[UInt8($0)], [0x80 | UInt8($0)]] }
        return tokens
    }
}

extension SRTPCodec {
    /// Changes one thing: a header field, CSRC list or header extension (which SRTP leaves in clear,
    /// RFC 3711 §3.1), or the protected bytes (payload and tag).
    public static func mutate(_ value: inout SRTPPacket, using generator: inout SeededGenerator) -> Bool {
        if generator.chance(4) { FieldMutator.mutate(&value.protected, maxLength: 1200, using: &generator) }
        else { value.header.mutate(using: &generator) }
        return true
    }

    /// The RTP header tokens.
    public static var dictionary: [[UInt8]] { RTPCodec.rtpHeaderTokens }
}

extension VP8PayloadCodec {
    /// Changes one descriptor field (N, S, PID, the X byte's reserved bits, PictureID short ⇄ long or
    /// its value, TL0PICIDX, TID/Y/KEYIDX, RFC 7741 §4.2) or the VP8 data.
    public static func mutate(_ value: inout VP8Payload, using generator: inout SeededGenerator) -> Bool {
        // Some changes are invisible on the wire (F set when another field already needs the X byte;
        // the model compares by its bytes): a few tries find one that shows.
        let original = value
        for _ in 0..<4 {
            mutateOnce(&value, using: &generator)
            if value != original { break }
        }
        return true
    }

    static func mutateOnce(_ value: inout VP8Payload, using generator: inout SeededGenerator) {
        var d = value.descriptor
        switch generator.below(11) {
        case 0: d.nonReference.toggle()
        case 1: d.startOfPartition.toggle()
        case 2: FieldMutator.mutate(&d.partitionIndex, bits: 3, using: &generator)
        case 3: d.forceExtension.toggle()
        case 4:
            switch d.pictureID {
            case nil: d.pictureID = generator.chance(2) ? .short(UInt8(generator.below(128))) : .long(UInt16(generator.below(0x8000)))
            case .short(let id): d.pictureID = generator.chance(2) ? .long(UInt16(id)) : (generator.chance(2) ? nil : .short(FieldMutator.mutated(id, bits: 7, using: &generator)))
            case .long(let id): d.pictureID = generator.chance(2) ? .short(UInt8(truncatingIfNeeded: id) & 0x7F) : .long(FieldMutator.mutated(id, bits: 15, using: &generator))
            }
        case 5: d.tl0PictureIndex = d.tl0PictureIndex == nil ? generator.byte() : (generator.chance(2) ? nil : generator.byte())
        case 6: d.hasTemporalLayer.toggle()
        case 7: d.hasKeyIndex.toggle()
        case 8:
            switch generator.below(3) {
            case 0: FieldMutator.mutate(&d.temporalLayerIndex, bits: 2, using: &generator)
            case 1: d.layerSync.toggle()
            default: FieldMutator.mutate(&d.keyIndex, bits: 5, using: &generator)
            }
        case 9:
            if generator.chance(2) { d.reservedBits = [0, 0x40, 0x08, 0x48][generator.below(4)] }
            else { FieldMutator.mutate(&d.extensionReservedBits, bits: 4, using: &generator) }
        default:
            FieldMutator.mutate(&value.data, maxLength: 1200, using: &generator)
        }
        value.descriptor = d
    }

    /// First descriptor bytes with X, S and PID combinations, and the extension byte's I, L, T, K bits.
    public static var dictionary: [[UInt8]] {
        [0x10, 0x90, 0x80, 0x00, 0xB0].map { [$0] } + [0x80, 0x40, 0x20, 0x10, 0xF0].map { [0x90, $0] }
    }
}

extension OpusPayloadCodec {
    /// The most bytes RFC 6716 §3.2.1 lets one frame have.
    static let maxFrameLength = 1275

    /// Changes the TOC (configuration, stereo), the frame-count code (re-framing the same frames as
    /// code 0–3), code 3's VBR flag, frame count or padding, or one frame's bytes (RFC 6716 §3.1–3.2).
    public static func mutate(_ value: inout OpusPacket, using generator: inout SeededGenerator) -> Bool {
        var frames = value.framing.frames
        switch generator.below(6) {
        case 0:
            FieldMutator.mutate(&value.configuration, bits: 5, using: &generator)
            return true
        case 1:
            value.stereo.toggle()
            return true
        case 2:  // the frame-count code, over the same frames
            break
        case 3:
            FieldMutator.mutate(&frames, maxCount: 48, using: &generator, fresh: { generator in
                (0..<generator.below(64)).map { _ in generator.byte() }
            })
        default:
            if frames.isEmpty { frames = [[]] }
            let index = generator.below(frames.count)
            FieldMutator.mutate(&frames[index], maxLength: maxFrameLength, using: &generator)
        }
        var code = value.framing.code
        if frames.count != value.framing.frames.count || generator.chance(4) { code = UInt8(generator.below(4)) }
        var code3 = if case .arbitrary(let existing) = value.framing { existing } else { OpusCode3(variableBitrate: true, frames: []) }
        if code == 3 && generator.chance(3) {
            switch generator.below(3) {
            case 0: code3.variableBitrate.toggle()
            case 1: code3.padding = code3.padding == nil ? OpusPadding(count: [0, 1, 254, 255, 300][generator.below(5)]) : nil
            default: if var padding = code3.padding { FieldMutator.mutate(&padding.bytes, maxLength: 600, using: &generator); code3.padding = padding }
            }
        }
        let first = frames.first ?? []
        let second = frames.count > 1 ? frames[1] : first
        switch code {
        case 0: value.framing = .one(first)
        case 1: value.framing = .twoEqual(first, second)
        case 2: value.framing = .twoDifferent(first, second)
        default:
            code3.frames = frames
            value.framing = .arbitrary(code3)
        }
        return true
    }

    /// Every TOC byte with the mono, one-frame code, and the code 3 frame-count bytes with V and P.
    public static var dictionary: [[UInt8]] {
        (0..<32).map { [UInt8($0) << 3] } + [0xFC, 0xFF, 0x7B].map { [$0] } + [[0x81], [0xC1], [0x30]]
    }
}
