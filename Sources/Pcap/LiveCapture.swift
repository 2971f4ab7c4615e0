import CPcap
import Foundation
import Synchronization

/// A live capture of one interface through libpcap, frames kept in memory until ``stop()``.
///
/// Once ``start(interface:filter:bufferBytes:)`` returns, the capture is live: every matching frame
/// from then on is kept (unless the kernel's buffer overflows, which ``stop()`` reports). The interop
/// matrix captures loopback this way for the length of each cell. Needs root or CAP_NET_RAW. Like
/// `CaptureReader`, this is IO; what interprets the frames (`LinkLayer`, the codecs, the rules) is pure.
public final class LiveCapture: @unchecked Sendable {
    // Unchecked because of the libpcap handle and the frames: the reading thread alone uses them, from
    // `start` until it sets `finished` (closing the handle last); `stop` reads the frames only after that.
    private let handle: OpaquePointer
    private var frames: [CapturedFrame] = []
    private var dropped = 0
    private let linkType: LinkType
    private let stopping = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    public let interface: String

    private init(handle: OpaquePointer, interface: String) {
        self.handle = handle
        self.interface = interface
        linkType = LinkType(rawValue: pcap_datalink(handle))
    }

    /// A whole UDP datagram of the largest size IP allows, with its link-layer header.
    static let snapshotLength: Int32 = 65_600
    /// How long the kernel keeps a block of frames before handing it over part full.
    static let blockTimeoutMilliseconds = 5

    /// Opens `interface` (e.g. "lo") with a BPF `filter` (e.g. "udp") and starts reading on a thread of
    /// its own. `bufferBytes` is the kernel buffer: a fast transfer needs room while the thread catches up.
    public static func start(interface: String, filter: String, bufferBytes: Int32 = 64 << 20) throws(CaptureError) -> LiveCapture {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        let reason = { (handle: OpaquePointer?) -> String in
            if let handle { return String(cString: pcap_geterr(handle)) }
            return String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        guard let handle = pcap_create(interface, &errorBuffer) else {
            throw CaptureError(path: interface, reason: reason(nil))
        }
        // Not immediate mode: on Linux that means TPACKET_V2, a ring of fixed slots each as large as the
        // snapshot length, so 64 MiB held only a few hundred frames and a bulk transfer overflowed it.
        // TPACKET_V3 packs frames into blocks the kernel hands over when full or after `blockTimeout`.
        pcap_set_snaplen(handle, snapshotLength)
        pcap_set_timeout(handle, Int32(blockTimeoutMilliseconds))
        pcap_set_buffer_size(handle, bufferBytes)
        pcap_set_tstamp_precision(handle, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let activated = pcap_activate(handle)
        guard activated >= 0 else {
            let text = activated == PCAP_ERROR_PERM_DENIED ? "permission denied: a live capture needs root or CAP_NET_RAW" : reason(handle)
            pcap_close(handle)
            throw CaptureError(path: interface, reason: text)
        }
        var program = bpf_program()
        guard pcap_compile(handle, &program, filter, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            let text = reason(handle)
            pcap_close(handle)
            throw CaptureError(path: interface, reason: "filter \(filter.debugDescription): \(text)")
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else {
            let text = reason(handle)
            pcap_close(handle)
            throw CaptureError(path: interface, reason: "filter \(filter.debugDescription): \(text)")
        }
        // Non-blocking reads, polled: the thread can then notice `stop` without a frame arriving.
        pcap_setnonblock(handle, 1, &errorBuffer)
        let capture = LiveCapture(handle: handle, interface: interface)
        Thread { capture.read() }.start()
        return capture
    }

    /// The reading thread: drains whatever the kernel holds, naps a millisecond when it holds nothing.
    private func read() {
        let me = Unmanaged.passUnretained(self).toOpaque().assumingMemoryBound(to: UInt8.self)
        let keep: pcap_handler = { user, header, data in
            guard let user, let header, let data else { return }
            let capture = Unmanaged<LiveCapture>.fromOpaque(UnsafeRawPointer(user)).takeUnretainedValue()
            let time = header.pointee.ts
            capture.frames.append(CapturedFrame(
                number: capture.frames.count + 1,
                timestampNanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_usec),
                linkType: capture.linkType,
                bytes: Array(UnsafeBufferPointer(start: data, count: Int(header.pointee.caplen))),
                originalLength: Int(header.pointee.len)))
        }
        var stoppedAt: UInt64?
        while true {
            // Read the flag first: after a stop, reading goes on until a pass finds nothing once the kernel
            // has had time to hand over the block that was filling when the stop came.
            if stoppedAt == nil, self.stopping.load(ordering: .acquiring) { stoppedAt = DispatchTime.now().uptimeNanoseconds }
            let count = pcap_dispatch(handle, -1, keep, me)
            if count < 0 { break }
            if count == 0, let stoppedAt,
                DispatchTime.now().uptimeNanoseconds - stoppedAt > UInt64(4 * Self.blockTimeoutMilliseconds) * 1_000_000 {
                break
            }
            if count == 0 { usleep(1_000) }
        }
        var statistics = pcap_stat()
        dropped = pcap_stats(handle, &statistics) == 0 ? Int(statistics.ps_drop) : 0
        pcap_close(handle)
        finished.store(true, ordering: .releasing)
    }

    /// Stops capturing and returns every frame kept, with how many the kernel dropped.
    public func stop() -> (frames: [CapturedFrame], dropped: Int) {
        stopping.store(true, ordering: .releasing)
        while !finished.load(ordering: .acquiring) { usleep(1_000) }
        return (frames, dropped)
    }
}
