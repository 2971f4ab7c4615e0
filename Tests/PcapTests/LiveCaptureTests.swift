import Foundation
import Pcap
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `LiveCapture` on loopback, as the interop matrix uses it: a burst as fast as a socket can send is kept
/// whole, up to the datagram sent just before `stop`. Needs root or CAP_NET_RAW (CI runs as root).
@Suite("Live capture of loopback")
struct LiveCaptureTests {
    /// A UDP socket bound to 127.0.0.1 on a port the system chose, and that port.
    static func boundSocket() throws -> (descriptor: Int32, port: UInt16) {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else { throw SocketFailure(call: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw SocketFailure(call: "bind")
        }
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }

    struct SocketFailure: Error { let call: String }

    @Test("A burst of 20,000 datagrams of 1,200 bytes is captured whole, the last one sent just before stop included")
    func burst() throws {
        let receiver = try Self.boundSocket()
        defer { close(receiver.descriptor) }
        let sender = try Self.boundSocket()
        defer { close(sender.descriptor) }
        let capture: LiveCapture
        do {
            capture = try LiveCapture.start(interface: "lo", filter: "udp and dst port \(receiver.port)")
        } catch {
            Issue.record("no live capture (run as root or grant CAP_NET_RAW): \(error)")
            return
        }
        var destination = sockaddr_in()
        destination.sin_family = sa_family_t(AF_INET)
        destination.sin_port = receiver.port.bigEndian
        destination.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let count = 20_000
        var sent = 0
        for index in 0..<count {
            var payload = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 1_200)
            payload[0] = UInt8(index >> 8 & 0xFF)
            payload[1] = UInt8(index & 0xFF)
            let result = payload.withUnsafeBytes { bytes in
                withUnsafePointer(to: &destination) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(sender.descriptor, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
            if result == 1_200 { sent += 1 }
        }
        let (frames, dropped) = capture.stop()
        #expect(sent == count)
        #expect(dropped == 0)
        let datagrams = frames.compactMap(LinkLayer.udpDatagram(in:))
        #expect(datagrams.count == count)
        #expect(datagrams.last.map { Int($0.payload[0]) << 8 | Int($0.payload[1]) } == (count - 1) & 0xFFFF)
        #expect(datagrams.allSatisfy { $0.destination.port == receiver.port && $0.payload.count == 1_200 })
    }
}
