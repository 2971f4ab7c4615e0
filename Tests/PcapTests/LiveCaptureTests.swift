import CrucibleTestSupport
import Pcap
import Testing

/// `LiveCapture` on loopback, as the interop matrix uses it: a burst as fast as a socket can send is kept
/// whole, up to the datagram sent just before `stop`. Needs root or CAP_NET_RAW (CI runs as root).
@Suite("Live capture of loopback")
struct LiveCaptureTests {
    @Test("A burst of 20,000 datagrams of 1,200 bytes is captured whole, the last one sent just before stop included")
    func burst() throws {
        let receiver = try LoopbackUDPSocket()
        let sender = try LoopbackUDPSocket()
        let capture: LiveCapture
        do {
            capture = try LiveCapture.start(interface: "lo", filter: "udp and dst port \(receiver.port)")
        } catch {
            Issue.record("no live capture (run as root or grant CAP_NET_RAW): \(error)")
            return
        }
        let count = 20_000
        var sent = 0
        for index in 0..<count {
            var payload = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 1_200)
            payload[0] = UInt8(index >> 8 & 0xFF)
            payload[1] = UInt8(index & 0xFF)
            if sender.send(payload, to: receiver.port) { sent += 1 }
        }
        let (frames, dropped) = capture.stop()
        #expect(sent == count)
        #expect(dropped == 0)
        let datagrams = frames.compactMap(LinkLayer.udpDatagram(in:))
        #expect(datagrams.count == count)
        #expect(datagrams.last.map { Int($0.payload[0]) << 8 | Int($0.payload[1]) } == count - 1)
        #expect(datagrams.allSatisfy { $0.destination.port == receiver.port && $0.payload.count == 1_200 })
    }
}
