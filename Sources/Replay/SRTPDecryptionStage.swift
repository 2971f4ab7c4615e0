import Decryption
import SRTP
import RTP

/// SRTP and SRTCP decryption during a replay (RFC 3711), for the streams whose keys were given
/// (`--srtp-key SSRC=BASE64`). Each protected packet of a keyed SSRC must authenticate; the clear
/// packet then goes through the RTP or RTCP codec, so the media inside is judged too.
///
/// Not a `PacketRule`: libsrtp sessions are stateful objects (rollover counter, replay list) that live
/// for one run, in capture order.
struct SRTPDecryptionStage {
    static let rules = [ReplayRules.srtpAuthentication, ReplayRules.srtpReplay, ReplayRules.srtpClearPacket]

    private struct Sender: Hashable { let flow: Int; let direction: FlowDirection }

    /// Keys given by SSRC (`--srtp-key`).
    private let keyring: SRTPKeyring
    /// Keys a DTLS-SRTP handshake exported, by the direction that protects with them (RFC 5764 §4.2).
    private var exported: [Sender: SRTPKeyring] = [:]
    private(set) var summary = DecryptionSummary()

    init(_ assignments: [SRTPKeyAssignment]) {
        keyring = SRTPKeyring(assignments)
        summary.keyedSSRCs = keyring.ssrcs.sorted()
    }

    var isActive: Bool { !summary.keyedSSRCs.isEmpty || !exported.isEmpty }

    /// Keys from a DTLS handshake on `flow`: the client's protect what the DTLS client sends.
    mutating func add(_ keys: DTLSSRTPKeys, flow: Int, clientDirection: FlowDirection) {
        exported[Sender(flow: flow, direction: clientDirection)] = SRTPKeyring([], anySSRC: keys.client)
        exported[Sender(flow: flow, direction: clientDirection.reversed)] = SRTPKeyring([], anySSRC: keys.server)
        summary.keyedDirections = exported.count
    }

    /// `flow` carries the association of `alias.flow` (ICE moved it): its directions use that flow's
    /// exported keys and sessions, so rollover counters and replay lists carry over.
    mutating func alias(flow: Int, to alias: DTLSDecryptionStage.FlowAlias) {
        for direction in [FlowDirection.aToB, .bToA] {
            let original = Sender(flow: alias.flow, direction: alias.reversed ? direction.reversed : direction)
            if let keyring = exported[original] { exported[Sender(flow: flow, direction: direction)] = keyring }
        }
        summary.keyedDirections = exported.count
    }

    /// What decrypting one packet gave.
    struct Output {
        var findings: [ReplayFinding] = []
        /// The clear RTP packet, for the media stage.
        var clearRTP: [UInt8]?
        /// The clear RTCP compound packet, for the RTCP rules.
        var clearRTCP: RTCPCompound?
    }

    /// Decrypts an SRTP or SRTCP packet of a keyed stream; says what broke, and hands back the clear packet.
    mutating func observe(_ decoded: DecodedPacket) -> Output {
        let packet = decoded.packet
        let isRTCP: Bool
        switch decoded.content {
        case .rtp: isRTCP = false
        case .srtcp: isRTCP = true
        default: return Output()
        }
        do throws(DecryptionError) {
            let keys = exported[Sender(flow: packet.flow, direction: packet.direction)] ?? keyring
            let clear = isRTCP ? try keys.unprotectRTCP(packet.payload) : try keys.unprotectRTP(packet.payload)
            summary.authenticated += 1
            if isRTCP {
                guard let compound = try? RTCPCodec.parse(clear) else {
                    return Output(findings: [ReplayFinding(ReplayRules.srtpClearPacket, frame: packet.frame, flow: packet.flow, "the decrypted RTCP does not parse as a compound packet")])
                }
                return Output(clearRTCP: compound)
            }
            guard (try? RTPCodec.parse(clear)) != nil else {
                return Output(findings: [ReplayFinding(ReplayRules.srtpClearPacket, frame: packet.frame, flow: packet.flow, "the decrypted RTP does not parse")])
            }
            return Output(clearRTP: clear)
        } catch {
            switch error {
            case .noKey: return Output()
            case .srtp(.replayed):
                summary.replayed += 1
                return Output(findings: [ReplayFinding(ReplayRules.srtpReplay, frame: packet.frame, flow: packet.flow, "\(isRTCP ? "SRTCP" : "SRTP") packet seen before")])
            default:
                summary.failed += 1
                return Output(findings: [ReplayFinding(ReplayRules.srtpAuthentication, frame: packet.frame, flow: packet.flow, "\(isRTCP ? "SRTCP" : "SRTP"): \(error)")])
            }
        }
    }
}

/// What decryption did in a replay.
public struct DecryptionSummary: Hashable, Sendable, Codable {
    /// The SSRCs whose keys were given.
    public var keyedSSRCs: [UInt32] = []
    /// Flow directions keyed by a DTLS-SRTP handshake whose master secret the key log had.
    public var keyedDirections = 0
    /// Packets of keyed streams that authenticated and decrypted.
    public var authenticated = 0
    /// Packets of keyed streams that did not authenticate.
    public var failed = 0
    /// Packets refused as replays (seen before).
    public var replayed = 0

    public init(keyedSSRCs: [UInt32] = [], keyedDirections: Int = 0, authenticated: Int = 0, failed: Int = 0, replayed: Int = 0) {
        self.keyedSSRCs = keyedSSRCs
        self.keyedDirections = keyedDirections
        self.authenticated = authenticated
        self.failed = failed
        self.replayed = replayed
    }
}
