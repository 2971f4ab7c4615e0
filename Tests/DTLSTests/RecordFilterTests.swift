@testable import DTLS
import Testing

@Suite("DTLS endpoint: the record filter in front of OpenSSL (RFC 6347 §4.1.2.7)")
struct RecordFilterTests {
    static func record(type: UInt8 = 23, version: UInt16 = 0xFEFD, epoch: UInt16 = 1, fragment: Int = 40) -> [UInt8] {
        [type, UInt8(version >> 8), UInt8(version & 0xFF), UInt8(epoch >> 8), UInt8(epoch & 0xFF), 0, 0, 0, 0, 0, 7,
         UInt8(fragment >> 8), UInt8(fragment & 0xFF)] + [UInt8](repeating: 0xAB, count: fragment)
    }

    static let kept: [([UInt8], String)] = [
        (record(), "application data in epoch 1"),
        (record(type: 22, epoch: 0, fragment: 12), "a plaintext handshake record"),
        (record(type: 22, version: 0xFEFF, epoch: 0, fragment: 60), "a DTLS 1.0 record version (first ClientHello)"),
        (record(type: 21, epoch: 1, fragment: 26), "an encrypted alert (2 bytes + nonce + tag)"),
        (record(type: 20, epoch: 0, fragment: 1), "ChangeCipherSpec"),
        (record(epoch: 1, fragment: 24), "an empty protected record"),
    ]

    @Test("well-formed records pass unchanged", arguments: kept)
    func keeps(bytes: [UInt8], what: String) {
        #expect(RecordFilter.validRecords(in: bytes) == bytes, "\(what)")
    }

    static let dropped: [([UInt8], String)] = [
        ([], "nothing"),
        (Array(record().prefix(12)), "a header cut short"),
        (Array(record().dropLast()), "a fragment cut short"),
        (record(epoch: 1, fragment: 23), "a protected fragment too short for nonce and tag"),
        (record(epoch: 3, fragment: 0), "an empty protected fragment"),
        (record(type: 24), "heartbeat, not offered"),
        (record(type: 25), "tls12_cid, not negotiated"),
        (record(type: 0x2F), "a DTLS 1.3 unified header"),
        (record(version: 0x0303), "a TLS version"),
        (record(fragment: (1 << 14) + 2049), "a fragment over 2^14 + 2048"),
    ]

    @Test("malformed or foreign records are dropped", arguments: dropped)
    func drops(bytes: [UInt8], what: String) {
        #expect(RecordFilter.validRecords(in: bytes) == nil, "\(what)")
    }

    @Test("in a datagram of several records only the bad ones go, and a record running past the end stops the walk")
    func mixed() {
        let good = Self.record()
        let bad = Self.record(epoch: 1, fragment: 3)
        let other = Self.record(type: 22, epoch: 0, fragment: 5)
        #expect(RecordFilter.validRecords(in: good + bad + other) == good + other)
        #expect(RecordFilter.validRecords(in: good + Array(other.dropLast(2))) == good)
    }

    @Test("the inbound queue keeps at most its limit of datagrams, dropping the oldest")
    func boundedQueue() {
        var pipe = DatagramPipe()
        for index in 0..<(DatagramPipe.inboundLimit + 10) {
            pipe.receive([UInt8(truncatingIfNeeded: index)])
        }
        #expect(pipe.inboundWaiting == DatagramPipe.inboundLimit)
        #expect(pipe.nextInbound() == [10])
    }
}
