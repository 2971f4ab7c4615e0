public import JSEP

/// W3C `RTCSdpType`.
public typealias SessionDescriptionType = DescriptionType

/// An offer, answer, provisional answer or rollback with its SDP text (W3C `RTCSessionDescription`).
public struct SessionDescription: Hashable, Sendable {
    public var type: SessionDescriptionType
    public var sdp: String

    public init(type: SessionDescriptionType, sdp: String) {
        self.type = type
        self.sdp = sdp
    }
}


/// A candidate as signalled between peers (W3C `RTCIceCandidateInit`).
public struct IceCandidate: Hashable, Sendable {
    /// The `candidate:…` text; empty for end-of-candidates.
    public var candidate: String
    public var sdpMid: String?
    public var sdpMLineIndex: Int?

    public init(candidate: String, sdpMid: String?, sdpMLineIndex: Int?) {
        self.candidate = candidate
        self.sdpMid = sdpMid
        self.sdpMLineIndex = sdpMLineIndex
    }
}
