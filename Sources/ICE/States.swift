/// The W3C `RTCIceConnectionState` of an agent (webrtc-pc §5.6.4), as `ICEAgent` derives it.
///
/// The agent recomputes the state after every input and timer and reports each change once, in order,
/// as `ICEOutput.connectionStateChanged`. Which event moves which transition:
///
/// | to | when |
/// | --- | --- |
/// | `checking` | the first candidate pair enters the check list (remote candidate paired, or a check learned one) |
/// | `connected` | a pair is nominated and selected; or consent returns on the selected pair after `disconnected` |
/// | `completed` | `connected`, the check list is completed (RFC 8445 §8.1.2), local gathering is complete and the remote signalled end-of-candidates |
/// | `disconnected` | no consent response on the selected pair for `ICEConfiguration.consent.disconnectedAfter` (default 8 s, our choice: longer than the 4–6 s check interval so that one lost response does not flap) |
/// | `failed` | consent lost: no response for `ICEConfiguration.consent.lostAfter` (30 s, RFC 7675 §5.1); or, with no selected pair, every pair failed after the remote's end-of-candidates and local gathering completed |
/// | `closed` | the `close` input |
///
/// `failed` stays until `restart`; `closed` is final.
public enum IceConnectionState: String, Hashable, Sendable, CaseIterable {
    case new, checking, connected, completed, disconnected, failed, closed
}

/// The W3C `RTCIceGatheringState` (webrtc-pc §5.6.3).
///
/// `new` → `gathering` on `startGathering` (and again on `restart`); `gathering` → `complete` once every
/// host candidate is out, every STUN server transaction has answered or timed out, and, when the
/// configuration says relayed candidates are expected, `relayGatheringFinished` has arrived.
public enum IceGatheringState: String, Hashable, Sendable, CaseIterable {
    case new, gathering, complete
}

/// The state of one candidate pair in a check list (RFC 8445 §6.1.2.6).
public enum CandidatePairState: String, Hashable, Sendable, CaseIterable {
    /// Not checked yet, waiting for a pair of the same foundation to succeed first.
    case frozen
    /// Ready to be checked when the pacer reaches it.
    case waiting
    /// A check was sent and its transaction is running.
    case inProgress
    /// A check produced a successful response from the expected address.
    case succeeded
    /// A check failed: no response, an unrecoverable error, or an asymmetric response.
    case failed
}

/// The state of a check list as a whole (RFC 8445 §6.1.2.1).
public enum CheckListState: String, Hashable, Sendable, CaseIterable {
    case running, completed, failed
}

/// The agent's role (RFC 8445 §6.1.1); the controlling agent nominates.
public enum ICERole: String, Hashable, Sendable, CaseIterable {
    case controlling, controlled
}
