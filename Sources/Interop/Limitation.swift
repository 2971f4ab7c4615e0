/// A documented limitation of a third-party stack: a scenario it cannot do, and why. A failed cell with
/// such a stack on the named side is a *limitation*, not a failure; anything else that fails is a failure.
public struct Limitation: Hashable, Sendable {
    public let stack: InteropStack
    public let scenario: String
    /// Where the limitation shows, when it is one role's (nil: either).
    public let onlyAs: Role?
    /// Why, with the evidence (the stack's source or its documentation).
    public let reason: String

    public enum Role: String, Hashable, Sendable, Codable { case offerer, answerer }

    /// Every known limitation, the one table the matrix and the README share.
    public static let table: [Limitation] = [
        Limitation(
            stack: .aiortc, scenario: "ice-restart", onlyAs: nil,
            reason: "aiortc 1.16 has no ICE restart: RTCPeerConnection.createOffer takes no iceRestart option, RTCIceGatherer.gather gathers only in state 'new' so its credentials never change, and RTCIceTransport.start returns early once started, so an offer with new credentials is answered with the old ones (aiortc/rtcpeerconnection.py, aiortc/rtcicetransport.py)"),
        Limitation(
            stack: .pion, scenario: "audio-video", onlyAs: nil,
            reason: "Pion 3.1 has no encoders or decoders (its media API takes and gives RTP or encoded samples: TrackLocalStaticRTP/Sample, TrackRemote.ReadRTP), so it can neither make the tone and the pattern nor read them back; its media row is media-echo, where it forwards what it receives"),
    ]

    /// The limitation that explains a failure of `scenario` between these stacks, if one does.
    public static func explaining(scenario: String, offerer: InteropStack, answerer: InteropStack) -> Limitation? {
        table.first { limitation in
            guard limitation.scenario == scenario else { return false }
            switch limitation.onlyAs {
            case .offerer?: return limitation.stack == offerer
            case .answerer?: return limitation.stack == answerer
            case nil: return limitation.stack == offerer || limitation.stack == answerer
            }
        }
    }
}
