/// The signaling state of a peer connection (W3C webrtc-pc §4.3.1, `RTCSignalingState`).
public enum SignalingState: String, Hashable, Sendable, CaseIterable {
    case stable
    case haveLocalOffer = "have-local-offer"
    case haveRemoteOffer = "have-remote-offer"
    case haveLocalPranswer = "have-local-pranswer"
    case haveRemotePranswer = "have-remote-pranswer"
    case closed
}

/// The type of a session description (W3C webrtc-pc §4.8.1 `RTCSdpType`, JSEP §4.1.10).
public enum DescriptionType: String, Hashable, Sendable, CaseIterable {
    case offer, pranswer, answer, rollback
}

/// Whether a description is being set as the local or the remote one.
public enum DescriptionSource: Hashable, Sendable {
    case local, remote
}

/// The signaling state machine of W3C webrtc-pc §4.3.1 ("set the RTCSessionDescription", §4.4.1.5):
/// which (state, type, source) moves are allowed and where they lead.
///
/// The transitions, from the specification's state diagram:
///
/// | from | local | remote |
/// |---|---|---|
/// | stable | offer → have-local-offer | offer → have-remote-offer |
/// | have-local-offer | offer → have-local-offer | answer → stable, pranswer → have-remote-pranswer |
/// | have-remote-offer | answer → stable, pranswer → have-local-pranswer | offer → have-remote-offer |
/// | have-local-pranswer | pranswer → have-local-pranswer, answer → stable | — |
/// | have-remote-pranswer | — | pranswer → have-remote-pranswer, answer → stable |
///
/// Rollback: webrtc-pc §4.4.1.5 rejects a rollback in `stable`, `have-local-pranswer` and
/// `have-remote-pranswer` with InvalidStateError (so rollback in stable is **not** a no-op), and
/// otherwise returns to `stable`. The source does not matter (JSEP §4.1.10.2; rtcweb-wg/jsep#760: a
/// rollback does the same thing whether set locally or remotely), so it is accepted from both
/// `have-local-offer` and `have-remote-offer` either way. Every move in `closed` is InvalidStateError
/// (webrtc-pc §4.4.1.5: "[[IsClosed]]").
public struct SignalingStateMachine: Hashable, Sendable {
    public private(set) var state: SignalingState = .stable

    public init() {}

    /// Applies a description; returns the new state.
    /// - Throws: `.invalidState(state, type, source)` for a move the table above does not allow; the state
    ///   is then unchanged.
    @discardableResult
    public mutating func apply(_ type: DescriptionType, from source: DescriptionSource) throws(JSEPError) -> SignalingState {
        guard let next = Self.transition(from: state, type, source) else {
            throw .invalidState(state, type, source)
        }
        state = next
        return next
    }

    /// Closes the connection: every later `apply` fails (webrtc-pc §4.4.1.7 `close()`).
    public mutating func close() { state = .closed }

    /// The state a move leads to, or nil when webrtc-pc §4.4.1.5 rejects it.
    public static func transition(
        from state: SignalingState, _ type: DescriptionType, _ source: DescriptionSource
    ) -> SignalingState? {
        switch (state, type, source) {
        case (.closed, _, _): nil
        case (.haveLocalOffer, .rollback, _), (.haveRemoteOffer, .rollback, _): .stable
        case (_, .rollback, _): nil
        case (.stable, .offer, .local), (.haveLocalOffer, .offer, .local): .haveLocalOffer
        case (.stable, .offer, .remote), (.haveRemoteOffer, .offer, .remote): .haveRemoteOffer
        case (.haveRemoteOffer, .answer, .local), (.haveLocalPranswer, .answer, .local): .stable
        case (.haveRemoteOffer, .pranswer, .local), (.haveLocalPranswer, .pranswer, .local): .haveLocalPranswer
        case (.haveLocalOffer, .answer, .remote), (.haveRemotePranswer, .answer, .remote): .stable
        case (.haveLocalOffer, .pranswer, .remote), (.haveRemotePranswer, .pranswer, .remote): .haveRemotePranswer
        default: nil
        }
    }
}
