import Pcap

/// A capture of the loopback interface (libpcap, `LiveCapture`) for the length of one cell, so every
/// cell has its capture whichever stacks are in it. Capturing needs root or CAP_NET_RAW; without it a
/// cell has no capture and says why.
struct LoopbackCapture: Sendable {
    private let live: LiveCapture

    /// Starts capturing UDP on `lo`; live when this returns.
    static func start() throws(InteropError) -> LoopbackCapture {
        do { return LoopbackCapture(live: try LiveCapture.start(interface: "lo", filter: "udp")) } catch {
            throw InteropError("no loopback capture: \(error)")
        }
    }

    /// Stops the capture and returns the UDP datagrams to or from `ports` (the cell's candidates: other
    /// traffic on loopback, such as another program's, stays out of the cell's capture).
    func stop(keeping ports: Set<UInt16>) throws(InteropError) -> [UDPDatagram] {
        let (frames, dropped) = live.stop()
        guard dropped == 0 else { throw InteropError("the loopback capture lost \(dropped) frames (the kernel's buffer overflowed)") }
        return frames.compactMap(LinkLayer.udpDatagram(in:)).filter { ports.contains($0.source.port) || ports.contains($0.destination.port) }
    }
}
