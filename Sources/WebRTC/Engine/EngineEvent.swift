public import DataChannels
public import DTLS
public import ICE
public import JSEP

/// The W3C `RTCDtlsTransportState` (webrtc-pc §5.5.1).
public enum DTLSTransportState: String, Hashable, Sendable, CaseIterable {
    case new, connecting, connected, closed, failed
}

/// The W3C `RTCPeerConnectionState` (webrtc-pc §4.3.3): the ICE and DTLS transports taken together.
public enum PeerConnectionState: String, Hashable, Sendable, CaseIterable {
    case new, connecting, connected, disconnected, failed, closed

    /// The aggregation rule of webrtc-pc §4.3.3 for one ICE transport and its DTLS transport, in the
    /// order the specification checks them.
    public static func aggregate(ice: IceConnectionState, dtls: DTLSTransportState, isClosed: Bool) -> Self {
        if isClosed { return .closed }
        if ice == .failed || dtls == .failed { return .failed }
        if ice == .disconnected { return .disconnected }
        if (ice == .new || ice == .closed) && (dtls == .new || dtls == .closed) { return .new }
        if ice == .new || ice == .checking || dtls == .new || dtls == .connecting { return .connecting }
        return .connected
    }
}

/// A local candidate to hand to the peer (W3C `RTCPeerConnectionIceEvent`): the candidate line, and
/// the media section it belongs to. A nil `candidate` is the end-of-candidates indication.
public struct LocalCandidateEvent: Hashable, Sendable {
    public var candidate: String?
    public var sdpMid: String?
    public var sdpMLineIndex: Int?
    public var usernameFragment: String?
}

/// Everything a peer connection machine reports that is not a datagram.
public enum EngineEvent: Hashable, Sendable {
    case signalingStateChanged(SignalingState)
    case iceGatheringStateChanged(IceGatheringState)
    case iceConnectionStateChanged(IceConnectionState)
    case dtlsStateChanged(DTLSTransportState)
    /// Why the DTLS transport failed, reported just before its state becomes `failed`.
    case dtlsFailed(DTLSEndpointError)
    case connectionStateChanged(PeerConnectionState)
    case localCandidate(LocalCandidateEvent)
    /// Session negotiation is needed (W3C `negotiationneeded`): fired in `stable` only, once per need.
    case negotiationNeeded
    case selectedPairChanged(ICECandidatePair)
    /// An NSS key log line for the DTLS session (when ``EngineConfiguration/keyLog`` is set).
    case keyLog(String)
    /// A data channel event (never `.transmit`: those are the machine's own business).
    case dataChannel(DataChannelOutput)
    /// What a channel looks like now (its stream id, state), sent before each of its events so an
    /// observer never has to ask the machine.
    case dataChannelInfo(DataChannelInfo)
    /// The peer started sending on a transceiver (W3C `track` event).
    case trackAdded(RemoteTrackInfo)
    /// The peer stopped sending on a transceiver, or it was stopped (W3C "remove track").
    case trackRemoved(RemoteTrackInfo)
    /// A remote track's frame: encoded, and decoded when the decoder took it.
    case mediaFrame(TransceiverID, ReceivedMediaFrame)
    /// Media could not start (SRTP keying failed); data channels are unaffected.
    case mediaFailed(String)
}
