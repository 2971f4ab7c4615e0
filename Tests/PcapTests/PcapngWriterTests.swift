import Conformance
import Foundation
import Pcap
import Testing

/// What our recorders write, libpcap (and so Wireshark and the replay checker) reads back exactly.
@Suite("pcapng writing")
struct PcapngWriterTests {
    static func roundTrip(_ datagrams: [UDPDatagram]) throws -> [UDPDatagram] {
        var writer = PcapngWriter()
        for datagram in datagrams { writer.append(datagram) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-\(UUID().uuidString).pcapng")
        try Data(writer.bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (read, skipped) = try CaptureReader(path: file.path).udpDatagrams()
        #expect(skipped == 0)
        return read
    }

    @Test("IPv4 and IPv6 datagrams of every size come back with their endpoints, payloads and nanosecond times")
    func synthetic() throws {
        let v4 = (Endpoint(address: [127, 0, 0, 1], port: 50000), Endpoint(address: [127, 0, 0, 1], port: 3478))
        let v6 = (Endpoint(address: [UInt8](repeating: 0, count: 15) + [1], port: 5000), Endpoint(address: [UInt8](repeating: 0, count: 15) + [1], port: 5001))
        let datagrams = (0..<40).map { index in
            let (source, destination) = index.isMultiple(of: 2) ? v4 : v6
            return UDPDatagram(
                frame: index + 1, timestampNanoseconds: 1_700_000_000_123_456_789 + Int64(index) * 1_001,
                source: source, destination: destination, payload: (0..<(index * 37)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) })
        }
        #expect(try Self.roundTrip(datagrams) == datagrams)
    }

    @Test("A shared capture's datagrams, rewritten, read back the same")
    func sharedCapture() throws {
        let shared = try SharedFolder.locate(from: #filePath)
        let (original, _) = try CaptureReader(path: shared.capture("ndpi_stun_dtls_rtp.pcapng").path).udpDatagrams()
        let renumbered = original.enumerated().map { index, datagram in
            UDPDatagram(frame: index + 1, timestampNanoseconds: datagram.timestampNanoseconds,
                        source: datagram.source, destination: datagram.destination, payload: datagram.payload)
        }
        #expect(try Self.roundTrip(renumbered) == renumbered)
    }

    @Test("Taking the bytes piece by piece after each datagram gives the same file as writing it whole")
    func streaming() {
        let datagrams = (0..<5).map { index in
            UDPDatagram(frame: index + 1, timestampNanoseconds: Int64(index), source: Endpoint(address: [127, 0, 0, 1], port: 1),
                        destination: Endpoint(address: [127, 0, 0, 1], port: 2), payload: [UInt8](repeating: UInt8(index), count: index))
        }
        var whole = PcapngWriter()
        var streamed = PcapngWriter()
        var pieces = streamed.takeBytes()
        for datagram in datagrams {
            whole.append(datagram)
            streamed.append(datagram)
            pieces += streamed.takeBytes()
        }
        #expect(streamed.bytes.isEmpty)
        #expect(pieces == whole.bytes)
    }

    @Test("The UDP checksum verifies: summed with the pseudo-header it gives all ones (RFC 768)")
    func checksum() {
        let datagram = UDPDatagram(
            frame: 1, timestampNanoseconds: 0, source: Endpoint(address: [10, 0, 0, 1], port: 1234),
            destination: Endpoint(address: [10, 0, 0, 2], port: 5678), payload: Array("hello".utf8))
        let packet = PcapngWriter.ipPacket(datagram)
        let segment = Array(packet[20...])
        let pseudo: [UInt8] = [10, 0, 0, 1, 10, 0, 0, 2, 0, 17, 0, UInt8(segment.count)]
        var sum: UInt32 = 0
        let words = pseudo + segment + (segment.count.isMultiple(of: 2) ? [] : [0])
        for index in stride(from: 0, to: words.count, by: 2) { sum += UInt32(words[index]) << 8 | UInt32(words[index + 1]) }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        #expect(sum == 0xFFFF)
    }
}
