import JSEP

/// The harness's own copy of W3C webrtc-pc §4.3.1's signalling state table (the `jsep-signaling` target
/// judges `SignalingStateMachine` against it, so it is written out as the list of allowed moves, not
/// derived from the engine's switch).
///
/// webrtc-pc §4.4.1.5 ("set the RTCSessionDescription"): every move not listed is InvalidStateError and
/// leaves the state alone; in `closed` every move is. Rollback returns to stable from either offer state,
/// whichever side sets it (JSEP §4.1.10.2), and is refused in stable and in the pranswer states.
enum JSEPSignalingTable {
    struct Move: Hashable {
        var from: SignalingState
        var type: DescriptionType
        var source: DescriptionSource
    }

    static let moves: [Move: SignalingState] = [
        Move(from: .stable, type: .offer, source: .local): .haveLocalOffer,
        Move(from: .stable, type: .offer, source: .remote): .haveRemoteOffer,
        Move(from: .haveLocalOffer, type: .offer, source: .local): .haveLocalOffer,
        Move(from: .haveLocalOffer, type: .answer, source: .remote): .stable,
        Move(from: .haveLocalOffer, type: .pranswer, source: .remote): .haveRemotePranswer,
        Move(from: .haveLocalOffer, type: .rollback, source: .local): .stable,
        Move(from: .haveLocalOffer, type: .rollback, source: .remote): .stable,
        Move(from: .haveRemoteOffer, type: .offer, source: .remote): .haveRemoteOffer,
        Move(from: .haveRemoteOffer, type: .answer, source: .local): .stable,
        Move(from: .haveRemoteOffer, type: .pranswer, source: .local): .haveLocalPranswer,
        Move(from: .haveRemoteOffer, type: .rollback, source: .local): .stable,
        Move(from: .haveRemoteOffer, type: .rollback, source: .remote): .stable,
        Move(from: .haveLocalPranswer, type: .pranswer, source: .local): .haveLocalPranswer,
        Move(from: .haveLocalPranswer, type: .answer, source: .local): .stable,
        Move(from: .haveRemotePranswer, type: .pranswer, source: .remote): .haveRemotePranswer,
        Move(from: .haveRemotePranswer, type: .answer, source: .remote): .stable,
    ]

    /// Where the move leads, or nil when webrtc-pc §4.4.1.5 refuses it.
    static func next(_ state: SignalingState, _ type: DescriptionType, _ source: DescriptionSource) -> SignalingState? {
        moves[Move(from: state, type: type, source: source)]
    }
}
