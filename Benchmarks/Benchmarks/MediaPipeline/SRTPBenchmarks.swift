import Benchmark
import CSRTP
import SRTP

/// The RTP packet every SRTP benchmark protects: a 12-byte header (RFC 3550 §5.1: V = 2, PT 96, SSRC
/// 0x11223344) and 1188 payload bytes, 1200 in all, the size a full video packet has on a 1200-byte path.
/// `sequence` goes into bytes 2…3: libsrtp refuses to protect an index twice (RFC 3711 §3.3.2 on the
/// sender side, `allow_repeat_tx` off), so every protect needs the next sequence number.
struct RTPPacket1200 {
    static let size = 1200
    static let ssrc: UInt32 = 0x1122_3344
    var bytes: [UInt8]

    init() {
        bytes = [0x80, 96, 0, 0, 0, 0, 0, 0] + withUnsafeBytes(of: Self.ssrc.bigEndian, Array.init)
        bytes += (0..<(Self.size - 12)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    }

    mutating func setSequence(_ sequence: UInt16) {
        bytes[2] = UInt8(sequence >> 8)
        bytes[3] = UInt8(sequence & 0xFF)
    }
}

/// Fixed key material for `profile` (any bytes do: the cost does not depend on the key).
func keyMaterial(_ profile: SRTPProfile, seed: UInt8) -> SRTPKeyMaterial {
    let length = profile.masterKeyLength + profile.masterSaltLength
    return try! SRTPKeyMaterial(profile: profile, keyAndSalt: (0..<length).map { UInt8(truncatingIfNeeded: $0) &+ seed })
}

/// A bare libsrtp context for one direction, to measure libsrtp without our wrappers: the policy
/// `SRTPSession` builds (profile, any SSRC, default replay window), nothing else.
final class RawSRTPContext {
    let context: srtp_t

    init(_ keys: SRTPKeyMaterial, outbound: Bool) {
        // libsrtp's process-wide srtp_init runs once, inside SRTPSession's first use; making a session
        // here gets it started without calling srtp_init a second time.
        _ = try! SRTPSession(keys: keys, ssrc: nil, direction: outbound ? .outbound : .inbound)
        var policy = srtp_policy_t()
        let profile = srtp_profile_t(rawValue: UInt32(keys.profile.rawValue))
        precondition(srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, profile) == srtp_err_status_ok)
        precondition(srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, profile) == srtp_err_status_ok)
        policy.ssrc = srtp_ssrc_t(type: outbound ? ssrc_any_outbound : ssrc_any_inbound, value: 0)
        var key = keys.keyAndSalt
        var created: srtp_t?
        let status = key.withUnsafeMutableBufferPointer { key in
            policy.key = key.baseAddress
            return srtp_create(&created, &policy)
        }
        precondition(status == srtp_err_status_ok && created != nil, "srtp_create: \(status.rawValue)")
        context = created!
    }

    deinit { srtp_dealloc(context) }
}

/// A batch of SRTP packets for the unprotect benchmarks, each protected in its own fixed-size slot of one
/// preallocated buffer, in sequence order.
struct ProtectedBatch {
    static let slot = RTPPacket1200.size + Int(SRTP_MAX_TRAILER_LEN)
    var storage: [UInt8]
    var lengths: [Int32]

    /// `count` packets from `sender`, sequence numbers starting at `first`.
    init(count: Int, first: UInt16, sender: RawSRTPContext) {
        storage = [UInt8](repeating: 0, count: count * Self.slot)
        lengths = [Int32](repeating: 0, count: count)
        var packet = RTPPacket1200()
        storage.withUnsafeMutableBytes { storage in
            for index in 0..<count {
                packet.setSequence(first &+ UInt16(truncatingIfNeeded: index))
                let slot = storage.baseAddress! + index * Self.slot
                packet.bytes.withUnsafeBytes { slot.copyMemory(from: $0.baseAddress!, byteCount: RTPPacket1200.size) }
                var length = Int32(RTPPacket1200.size)
                precondition(srtp_protect(sender.context, slot, &length) == srtp_err_status_ok)
                lengths[index] = length
            }
        }
    }
}

func srtpBenchmarks() {
    let configuration = Benchmark.Configuration(scalingFactor: .kilo)

    for profile in SRTPProfile.allCases {
        // One DTLS-SRTP key pair; the client protects and the server unprotects (RFC 5764 §4.2).
        let keys = DTLSSRTPKeys(client: keyMaterial(profile, seed: 1), server: keyMaterial(profile, seed: 101))

        // SRTPTransport: the engine's path, with its SSRC check, stream bound and statistics.
        wrapperBenchmarks("SRTPTransport", profile: profile, configuration: configuration) {
            let sender = try! SRTPTransport(keys: keys, role: .client)
            let receiver = try! SRTPTransport(keys: keys, role: .server)
            return ({ try! sender.protectRTP($0) }, { try! receiver.unprotectRTP($0) })
        }

        // SRTPSession: libsrtp behind one copy in and one copy out per packet.
        wrapperBenchmarks("SRTPSession", profile: profile, configuration: configuration) {
            let sender = try! SRTPSession(keys: keys.client, ssrc: nil, direction: .outbound)
            let receiver = try! SRTPSession(keys: keys.client, ssrc: nil, direction: .inbound)
            return ({ try! sender.protectRTP($0) }, { try! receiver.unprotectRTP($0) })
        }

        // Raw libsrtp, in place: the ceiling. Protect rewrites one preallocated buffer (the payload is
        // encrypted again each time, which costs the same); unprotect runs over a batch protected beforehand.
        Benchmark("SRTP protect, \(profile), raw srtp_protect in place", configuration: configuration) { benchmark in
            let sender = RawSRTPContext(keys.client, outbound: true)
            var buffer = RTPPacket1200().bytes + [UInt8](repeating: 0, count: Int(SRTP_MAX_TRAILER_LEN))
            var sequence: UInt16 = 0
            buffer.withUnsafeMutableBytes { buffer in
                let base = buffer.baseAddress!
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    sequence &+= 1
                    buffer[2] = UInt8(sequence >> 8)
                    buffer[3] = UInt8(sequence & 0xFF)
                    var length = Int32(RTPPacket1200.size)
                    let status = srtp_protect(sender.context, base, &length)
                    precondition(status == srtp_err_status_ok)
                    blackHole(length)
                }
                benchmark.stopMeasurement()
            }
        }

        Benchmark("SRTP unprotect, \(profile), raw srtp_unprotect in place", configuration: configuration) { benchmark in
            let sender = RawSRTPContext(keys.client, outbound: true)
            let receiver = RawSRTPContext(keys.client, outbound: false)
            var batch = ProtectedBatch(count: benchmark.scaledIterations.count, first: 0, sender: sender)
            let lengths = batch.lengths
            batch.storage.withUnsafeMutableBytes { storage in
                let base = storage.baseAddress!
                benchmark.startMeasurement()
                for index in lengths.indices {
                    var length = lengths[index]
                    let status = srtp_unprotect(receiver.context, base + index * ProtectedBatch.slot, &length)
                    precondition(status == srtp_err_status_ok)
                    blackHole(length)
                }
                benchmark.stopMeasurement()
            }
        }
    }
}

/// A sender's protect and a receiver's unprotect, made fresh for each measured iteration (libsrtp
/// remembers every index it saw, so one pair cannot take the same packets twice).
typealias ProtectionPair = (protect: ([UInt8]) -> [UInt8], unprotect: ([UInt8]) -> [UInt8])

/// The protect and unprotect benchmarks of one of our wrappers (`depth`) for `profile`. Both call
/// through a closure, which costs the same few nanoseconds at every depth.
func wrapperBenchmarks(
    _ depth: String, profile: SRTPProfile, configuration: Benchmark.Configuration,
    make: @escaping @Sendable () -> ProtectionPair
) {
    Benchmark("SRTP protect, \(profile), \(depth)", configuration: configuration) { benchmark in
        let pair = make()
        var packet = RTPPacket1200()
        var sequence: UInt16 = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            sequence &+= 1
            packet.setSequence(sequence)
            blackHole(pair.protect(packet.bytes))
        }
        benchmark.stopMeasurement()
    }

    Benchmark("SRTP unprotect, \(profile), \(depth)", configuration: configuration) { benchmark in
        let pair = make()
        var packet = RTPPacket1200()
        let protected = (0..<benchmark.scaledIterations.count).map { index in
            packet.setSequence(UInt16(truncatingIfNeeded: index))
            return pair.protect(packet.bytes)
        }
        benchmark.startMeasurement()
        for packet in protected { blackHole(pair.unprotect(packet)) }
        benchmark.stopMeasurement()
    }
}
