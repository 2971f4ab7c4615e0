import Benchmark
import DTLSRecord
import Foundation
import RTP
import SCTP

/// A corpus seed, read from `../Corpus` (benchmarks run from the `Benchmarks` folder).
func corpusSeed(_ path: String) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: "../Corpus/" + path) else {
        fatalError("../Corpus/\(path) not found: run the benchmarks from the Benchmarks folder")
    }
    return Array(data)
}

/// An SCTP packet of exactly 1200 bytes: one DATA chunk (RFC 9260 §3.3.1) of 1172 user-data bytes, the
/// shape of a full data-channel packet, with a valid CRC-32c.
func sctpDataPacket1200() -> [UInt8] {
    var bytes: [UInt8] = [0x13, 0x88, 0x13, 0x88, 0xDE, 0xAD, 0xBE, 0xEF, 0, 0, 0, 0]
    bytes += [0x00, 0x03, 0x04, 0xA4]  // DATA, B|E, length 16 + 1172
    bytes += [0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x35]  // TSN 1, SID 1, SSN 0, PPID 53
    bytes += (0..<1172).map { UInt8(truncatingIfNeeded: $0) }
    precondition(bytes.count == 1200)
    return SCTPPacket.withComputedChecksum(bytes)
}

func mediaBenchmarks() {
    let rtp = corpusSeed("rtp/pion-rfc8285-one-byte.bin")
    let rtpPacket = try! RTPCodec.parse(rtp)
    let rtcp = corpusSeed("rtcp/pion-compound-rr-sdes-bye-pli-rrr-app.bin")
    let sctp = sctpDataPacket1200()
    let dtls = corpusSeed("dtls/ccs-then-encrypted-finished.bin")

    Benchmark("RTP parse (\(rtp.count) bytes, one-byte header extension)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! RTPCodec.parse(rtp)) }
    }

    Benchmark("RTP serialize") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(RTPCodec.serialize(rtpPacket)) }
    }

    Benchmark("RTCP compound parse (RR, SDES, BYE, PLI, RRR, APP)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! RTCPCodec.parse(rtcp)) }
    }

    Benchmark("SCTP parse of a 1200-byte DATA packet with CRC-32c") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! SCTPCodec.parse(sctp)) }
    }

    Benchmark("DTLS record split (ChangeCipherSpec + encrypted Finished)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! DTLSCodec.parse(dtls)) }
    }
}
