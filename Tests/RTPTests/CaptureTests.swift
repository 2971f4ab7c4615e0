import Conformance
import RTP
import Testing
import Wire

@Suite("Captures (../shared/captures): every RTP and RTCP datagram's clear part parses and round-trips")
struct CaptureTests {
    static func datagrams() throws -> [CaptureDatagram] {
        try CaptureDatagrams.all(.rtp, in: try SharedFolder.locate(from: #filePath))
    }

    @Test("Survey")
    func survey() throws {
        var counts: [String: Int] = [:]
        for datagram in try Self.datagrams() {
            let bytes = datagram.datagram.payload
            let kind = RTPMultiplexKind(datagram: bytes)
            counts["\(datagram.capture) \(String(describing: kind)) pt=\(bytes.count > 1 ? bytes[1] : 0) len=\(kind == .rtcp ? bytes.count : 0)", default: 0] += 1
        }
        for (key, value) in counts.sorted(by: { $0.key < $1.key }) { print("SURVEY \(key): \(value)") }
    }
}
