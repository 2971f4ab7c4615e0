import CPcap

/// One frame of a capture file, as libpcap hands it over.
public struct CapturedFrame: Hashable, Sendable {
    /// 1-based frame number, as Wireshark and tshark count.
    public let number: Int
    /// Capture time, nanoseconds since the Unix epoch.
    public let timestampNanoseconds: Int64
    /// The frame's link-layer type (a `LinkType`), per frame because pcapng allows several interfaces.
    public let linkType: LinkType
    /// The captured bytes (possibly fewer than were on the wire when the capture used a snap length).
    public let bytes: [UInt8]
    /// Length of the frame on the wire.
    public let originalLength: Int

    public init(number: Int, timestampNanoseconds: Int64, linkType: LinkType, bytes: [UInt8], originalLength: Int) {
        self.number = number
        self.timestampNanoseconds = timestampNanoseconds
        self.linkType = linkType
        self.bytes = bytes
        self.originalLength = originalLength
    }
}

/// Why a capture could not be read.
public struct CaptureError: Error, Hashable, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Reads pcap and pcapng files through libpcap, which detects the format itself.
///
/// This is one of the few places in Crucible that does IO; it hands out frames, and everything that
/// interprets them (`LinkLayer`, the codecs, the replay rules) is pure.
public struct CaptureReader: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// Every frame of the file, in order.
    public func frames() throws(CaptureError) -> [CapturedFrame] {
        var frames: [CapturedFrame] = []
        try forEachFrame { frames.append($0) }
        return frames
    }

    /// Calls `body` with every frame in turn, reading the file as it goes. The frames share one buffer,
    /// refilled for each unless `body` kept the last frame's bytes: reading a capture then costs no
    /// allocation per frame, and no copy of the whole file is held.
    public func forEachFrame(_ body: (CapturedFrame) -> Void) throws(CaptureError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let handle = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer)
        else {
            throw CaptureError(path: path, reason: String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { pcap_close(handle) }

        let linkType = LinkType(rawValue: pcap_datalink(handle))
        var number = 0
        var buffer: [UInt8] = []
        var header: UnsafeMutablePointer<pcap_pkthdr>? = nil
        var data: UnsafePointer<UInt8>? = nil
        while true {
            let status = pcap_next_ex(handle, &header, &data)
            if status == PCAP_ERROR_BREAK { break }  // end of file
            if status < 0 {
                throw CaptureError(path: path, reason: "frame \(number + 1): " + String(cString: pcap_geterr(handle)))
            }
            guard status == 1, let header, let data else { continue }
            number += 1
            let time = header.pointee.ts
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(header.pointee.caplen)))
            body(
                CapturedFrame(
                    number: number, timestampNanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_usec),
                    linkType: linkType, bytes: buffer, originalLength: Int(header.pointee.len)))
        }
    }
}

extension CaptureReader {
    /// The UDP datagrams of a capture, with the frame each came from; frames that carry no complete UDP
    /// datagram (TCP, ARP, IP fragments, truncated frames) are counted in `skipped`.
    public func udpDatagrams() throws(CaptureError) -> (datagrams: [UDPDatagram], skipped: Int) {
        var datagrams: [UDPDatagram] = []
        var skipped = 0
        try forEachFrame { frame in
            if let datagram = LinkLayer.udpDatagram(in: frame) { datagrams.append(datagram) } else { skipped += 1 }
        }
        return (datagrams, skipped)
    }
}
