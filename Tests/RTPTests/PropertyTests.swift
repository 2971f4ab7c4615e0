import PropertyBased
import RTP
import Testing
import Wire

private func generator<T>(_ make: @Sendable @escaping (inout any SeededRandomNumberGenerator) -> T) -> Generator<T, Shrink.None<T>> {
    Generator(run: { rng in make(&rng) })
}

/// Bytes to throw at a parser: a valid serialisation with a few bytes overwritten, cut, or pure noise.
private func hostile(_ valid: [UInt8], using rng: inout any SeededRandomNumberGenerator) -> [UInt8] {
    var bytes = valid
    switch Int.random(in: 0..<4, using: &rng) {
    case 0:
        return (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    case 1:
        return Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
    default:
        for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        }
        return bytes
    }
}

/// Accepted input re-serialises byte for byte (DESIGN §1.3); rejected input throws, never traps.
private func acceptedBytesRoundTrip<C: WireCodec>(_ codec: C.Type, _ bytes: [UInt8]) {
    if let value = try? C.parse(bytes) {
        #expect(C.serialize(value) == bytes, "\(C.name): \(Hex.encode(bytes))")
        #expect(!C.describe(value).renderText().isEmpty)
    }
}

@Suite("Properties: random valid values survive the wire; accepted bytes re-serialise exactly")
struct PropertyTests {
    @Test("RTP: parse(serialize(p)) == p for random packets (CSRCs, extensions, padding)")
    func rtpRoundTrip() async {
        await propertyCheck(count: 300, input: generator { RTPPacket.random(using: &$0) }) { packet in
            let bytes = RTPCodec.serialize(packet)
            let decoded = try RTPCodec.parse(bytes)
            #expect(decoded == packet)
        }
    }

    @Test("RTP header-only parse (SRTP view) reads exactly the header and keeps the rest opaque")
    func srtpHeaderView() async {
        await propertyCheck(count: 200, input: generator { RTPPacket.random(using: &$0) }) { packet in
            let bytes = RTPCodec.serialize(packet)
            let srtp = try SRTPPacket.parse(bytes[...])
            #expect(srtp.header == packet.header)
            #expect(srtp.protected.count == packet.payload.count + packet.padding.count)
            #expect(srtp.serialize() == bytes)
        }
    }

    @Test("RFC 8285 elements: decode(encode(e)) == e, padding between elements included")
    func elementsRoundTrip() async {
        await propertyCheck(count: 300, input: generator { RTPExtensionElements.random(using: &$0) }) { elements in
            let decoded = try RTPExtensionElements.decode(elements.encode())
            #expect(decoded == elements)
        }
    }

    @Test("Typed extension values: decode(uri, value.data) == value")
    func typedValues() async {
        let gen = generator { rng -> RTPExtensionValue in
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: return .absSendTime(.random(in: 0...0xFF_FFFF, using: &rng))
            case 1: return .transportWideSequence(.random(in: 0...UInt16.max, using: &rng))
            case 2: return .audioLevel(voiceActivity: .random(using: &rng), level: .random(in: 0...127, using: &rng))
            case 3: return .mid(Array("m\(Int.random(in: 0...99, using: &rng))".utf8))
            case 4: return .rid(Array("r\(Int.random(in: 0...9, using: &rng))".utf8))
            case 5: return .repairedRid(Array("q".utf8))
            case 6: return .videoOrientation(camera: .random(using: &rng), flip: .random(using: &rng), rotation: .random(in: 0...3, using: &rng))
            case 7: return .playoutDelay(minimum: .random(in: 0...0xFFF, using: &rng), maximum: .random(in: 0...0xFFF, using: &rng))
            case 8: return .transmissionOffset(.random(in: -0x80_0000...0x7F_FFFF, using: &rng))
            default:
                return .absCaptureTime(
                    timestamp: .random(in: 0...UInt64.max, using: &rng),
                    estimatedClockOffset: Bool.random(using: &rng) ? .random(in: Int64.min...Int64.max, using: &rng) : nil)
            }
        }
        await propertyCheck(count: 300, input: gen) { value in
            let decoded = try RTPExtensionValue.decode(uri: value.uri, data: value.data)
            #expect(decoded == value)
        }
    }

    @Test("RTCP: parse(serialize(c)) == c for random compounds of every packet type")
    func rtcpRoundTrip() async {
        await propertyCheck(count: 400, input: generator { RTCPCompound.random(using: &$0) }) { compound in
            let decoded = try RTCPCodec.parse(RTCPCodec.serialize(compound))
            #expect(decoded == compound)
        }
    }

    @Test("VP8 payload: parse(serialize(p)) == p")
    func vp8RoundTrip() async {
        await propertyCheck(count: 300, input: generator { VP8Payload.random(using: &$0) }) { payload in
            let decoded = try VP8PayloadCodec.parse(VP8PayloadCodec.serialize(payload))
            #expect(decoded == payload)
        }
    }

    @Test("Opus: parse(serialize(p)) == p for codes 0–3, CBR/VBR, padding")
    func opusRoundTrip() async {
        await propertyCheck(count: 300, input: generator { OpusPacket.random(using: &$0) }) { packet in
            let decoded = try OpusPayloadCodec.parse(OpusPayloadCodec.serialize(packet))
            #expect(decoded == packet)
        }
    }

    @Test("Hostile bytes never trap, and whatever any codec accepts re-serialises byte for byte")
    func hostileInput() async {
        let gen = generator { rng -> [[UInt8]] in
            [
                hostile(RTPCodec.serialize(.random(using: &rng)), using: &rng),
                hostile(RTCPCodec.serialize(.random(using: &rng)), using: &rng),
                hostile(VP8PayloadCodec.serialize(.random(using: &rng)), using: &rng),
                hostile(OpusPayloadCodec.serialize(.random(using: &rng)), using: &rng),
            ]
        }
        await propertyCheck(count: 2000, input: gen) { inputs in
            acceptedBytesRoundTrip(RTPCodec.self, inputs[0])
            acceptedBytesRoundTrip(RTCPCodec.self, inputs[1])
            acceptedBytesRoundTrip(VP8PayloadCodec.self, inputs[2])
            acceptedBytesRoundTrip(OpusPayloadCodec.self, inputs[3])
            if let headerExtension = try? RTPCodec.parse(inputs[0]).header.headerExtension,
               let elements = try? RTPExtensionElements.decode(headerExtension) {
                #expect(elements.encode() == headerExtension)
            }
        }
    }

    @Test("Packetize then depacketize is the identity for any frame and any MTU ≥ the smallest legal one")
    func packetizerIdentity() async {
        let gen = generator { rng -> (frame: [UInt8], template: VP8PayloadDescriptor, extra: Int, sequence: UInt16) in
            let frame = (0..<Int.random(in: 0...3000, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var template = VP8PayloadDescriptor.random(using: &rng)
            template.startOfPartition = true
            return (frame, template, Int.random(in: 0...1400, using: &rng), .random(in: 0...UInt16.max, using: &rng))
        }
        await propertyCheck(count: 300, input: gen) { input in
            var packetizer = VP8Packetizer(template: input.template, maximumPayloadSize: 0)
            packetizer.maximumPayloadSize = packetizer.minimumPayloadSize + input.extra
            let payloads = packetizer.packetize(input.frame)
            #expect(payloads.allSatisfy { $0.serialize().count <= packetizer.maximumPayloadSize })
            var depacketizer = VP8Depacketizer()
            var events: [VP8DepacketizerEvent] = []
            for (index, payload) in payloads.enumerated() {
                events += depacketizer.push(
                    sequenceNumber: input.sequence &+ UInt16(truncatingIfNeeded: index), timestamp: 90_000,
                    marker: index == payloads.count - 1, payload: payload.serialize())
            }
            events += depacketizer.finish()
            guard events.count == 1, case .frame(let frame) = events[0] else {
                Issue.record("expected one frame, got \(events)")
                return
            }
            #expect(frame.data == input.frame)
        }
    }

    @Test("Reassembly is bounded: a frame that outgrows maximumFrameSize is dropped as tooLarge")
    func depacketizerBound() {
        var depacketizer = VP8Depacketizer(maximumFrameSize: 20)
        let payloads = VP8Packetizer(maximumPayloadSize: 11).packetize(Array(repeating: 7, count: 40))
        var events: [VP8DepacketizerEvent] = []
        for (index, payload) in payloads.enumerated() {
            events += depacketizer.push(sequenceNumber: UInt16(index), timestamp: 5, marker: index == payloads.count - 1, payload: payload.serialize())
        }
        #expect(events == [.dropped(timestamp: 5, reason: .tooLarge)])
    }

    @Test("A missing middle packet is reported as a gap, and the next frame still comes out whole")
    func depacketizerGap() throws {
        let packetizer = VP8Packetizer(maximumPayloadSize: 11)
        let first = packetizer.packetize(Array(0..<30))
        let second = packetizer.packetize(Array(100..<105))
        var depacketizer = VP8Depacketizer()
        var events: [VP8DepacketizerEvent] = []
        var sequence: UInt16 = 65534
        for (index, payload) in first.enumerated() where index != 1 {
            events += depacketizer.push(sequenceNumber: sequence &+ UInt16(index), timestamp: 1, marker: index == first.count - 1, payload: payload.serialize())
        }
        sequence = sequence &+ UInt16(first.count)
        events += depacketizer.push(sequenceNumber: sequence, timestamp: 2, marker: true, payload: second[0].serialize())
        #expect(events.count == 2)
        #expect(events.first == .dropped(timestamp: 1, reason: .gap(expected: 65535, received: 0)))
        if case .frame(let frame) = events.last { #expect(frame.data == Array(100..<105)) } else { Issue.record("no frame") }
    }
}
