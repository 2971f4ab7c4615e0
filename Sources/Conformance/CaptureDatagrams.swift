public import Pcap
public import Wire

/// A datagram of one protocol family found in a shared capture, named after its frame.
public struct CaptureDatagram: Hashable, Sendable {
    /// `capture#frame-N`, as Wireshark numbers frames.
    public let name: String
    public let capture: String
    public let datagram: UDPDatagram
    public let family: PacketFamily
}

/// Finds the datagrams of each RFC 7983 family in the captures of `../shared/captures`.
public enum CaptureDatagrams {
    /// The UDP datagrams of `family` in every capture of the shared folder, in file then frame order.
    public static func all(_ family: PacketFamily, in shared: SharedFolder) throws -> [CaptureDatagram] {
        var found: [CaptureDatagram] = []
        for file in try shared.captureFiles() {
            let (datagrams, _) = try CaptureReader(path: shared.capture(file).path).udpDatagrams()
            for datagram in datagrams where PacketFamily(datagram: datagram.payload) == family {
                found.append(CaptureDatagram(name: "\(file)#frame-\(datagram.frame)", capture: file, datagram: datagram, family: family))
            }
        }
        return found
    }
}
