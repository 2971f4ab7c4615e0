import Media
import RTP
import Testing

/// The encoder's frames through the RTP module's packetizer and depacketizer (RFC 7741) and back into
/// the decoder: the path a video track takes, without the network.
@Suite("VP8 through RTP payloads")
struct VP8OverRTPTests {
    /// 30 frames of the pattern at 640×480, 1 Mbit/s, cut into payloads of at most 1 200 bytes; each
    /// packet is (sequence number, timestamp, marker, payload bytes).
    static func packets() throws -> [(UInt16, UInt32, Bool, [UInt8])] {
        let source = TestPatternSource(width: 640, height: 480)
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: 640, height: 480, targetBitrate: 1_000_000))
        let packetizer = VP8Packetizer(maximumPayloadSize: 1_200)
        var packets: [(UInt16, UInt32, Bool, [UInt8])] = []
        var sequence: UInt16 = 65_500  // wraps inside the run
        for number in UInt32(0)..<30 {
            let frame = try #require(try encoder.encode(source.frame(number: number)))
            let payloads = packetizer.packetize(frame.data)
            for (index, payload) in payloads.enumerated() {
                packets.append((sequence, number &* 3_000, index == payloads.count - 1, payload.serialize()))
                sequence &+= 1
            }
        }
        return packets
    }

    /// For every frame the depacketizer completes: the number it was sent as (from its RTP timestamp)
    /// and the number read from the decoded picture, nil when there is no picture or no mark in it.
    static func receive(_ packets: [(UInt16, UInt32, Bool, [UInt8])]) throws -> [(sent: UInt32, read: UInt32?)] {
        var depacketizer = VP8Depacketizer()
        let decoder = try VP8Decoder()
        var read: [(sent: UInt32, read: UInt32?)] = []
        for (sequence, timestamp, marker, payload) in packets {
            for case .frame(let frame) in depacketizer.push(sequenceNumber: sequence, timestamp: timestamp, marker: marker, payload: payload) {
                // A decoder error (a typed MediaCodecError) counts as no picture.
                let picture = try? decoder.decode(frame.data)
                read.append((frame.timestamp / 3_000, picture.flatMap(FrameNumberMark.read(from:))))
            }
        }
        return read
    }

    @Test("Every frame is cut, reassembled, decoded and read back in order")
    func clean() throws {
        let packets = try Self.packets()
        #expect(packets.count > 30, "key frames and most inter frames span several packets")
        #expect(packets.allSatisfy { $0.3.count <= 1_200 })
        let received = try Self.receive(packets)
        #expect(received.map(\.sent) == Array(0..<30))
        #expect(received.map(\.read) == (UInt32(0)..<30).map { Optional($0) })
    }

    @Test("A lost packet loses its frame; the frames after it decode and read their own number or none, never another")
    func loss() throws {
        var packets = try Self.packets()
        // Lose a packet of an inter frame in the middle of the run (the first packet of frame 15).
        let index = try #require(packets.firstIndex { $0.1 == 15 * 3_000 })
        packets.remove(at: index)
        let received = try Self.receive(packets)
        #expect(received.map(\.sent) == Array(0..<15) + Array(16..<30))
        for frame in received {
            #expect(frame.read == nil || frame.read == frame.sent, "frame \(frame.sent) read as \(String(describing: frame.read))")
        }
        #expect(received.prefix(15).allSatisfy { $0.read == $0.sent })
    }
}
