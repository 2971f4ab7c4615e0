import Foundation
import Pcap
import SansIO
import Wire

/// Streams datagrams to a pcapng file as they pass (DESIGN §1.6), through `Pcap.PcapngWriter`. Only the
/// driver's event loop touches it.
final class Recorder {
    private var writer = PcapngWriter()
    private let handle: FileHandle
    private(set) var failure: String?

    init(path: String) throws(UDPDriverError) {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw .recording("cannot create \(path)")
        }
        self.handle = handle
        flush()  // the section and interface headers, so even an empty session leaves a readable file
    }

    /// Appends one datagram, stamped with the wall clock (a capture's times are real times).
    func record(_ datagram: Datagram) {
        let nanoseconds = Int64(Date().timeIntervalSince1970 * 1_000_000_000)
        writer.append(UDPDatagram(
            frame: 0, timestampNanoseconds: nanoseconds,
            source: Endpoint(address: datagram.source.address.bytes, port: datagram.source.port),
            destination: Endpoint(address: datagram.destination.address.bytes, port: datagram.destination.port),
            payload: datagram.payload))
        flush()
    }

    private func flush() {
        let bytes = writer.takeBytes()
        guard failure == nil, !bytes.isEmpty else { return }
        do {
            try handle.write(contentsOf: Data(bytes))
        } catch {
            failure = "\(error)"  // the session goes on; the recording stops being complete
        }
    }

    func close() {
        try? handle.close()
    }
}
