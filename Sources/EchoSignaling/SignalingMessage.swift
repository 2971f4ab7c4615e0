import Foundation

/// One session description as webrtc-echoes signaling carries it: the JSON object
/// `{"type":"offer","sdp":"v=0\r\n…"}` (the shape of the W3C `RTCSessionDescriptionInit`), posted by the
/// offerer and answered with `{"type":"answer","sdp":"…"}`.
///
/// Fields other than `type` and `sdp` are ignored when decoding, as browsers' and Pion's clients add none
/// that matter here; both fields are required and must be strings.
public struct SignalingMessage: Codable, Hashable, Sendable {
    /// `"offer"` or `"answer"` (JSEP also knows `"pranswer"` and `"rollback"`, which this convention never sends).
    public var type: String
    /// The session description text, line endings as the sender wrote them.
    public var sdp: String

    public init(type: String, sdp: String) {
        self.type = type
        self.sdp = sdp
    }

    /// An offer carrying `sdp`.
    public static func offer(_ sdp: String) -> SignalingMessage { SignalingMessage(type: "offer", sdp: sdp) }
    /// An answer carrying `sdp`.
    public static func answer(_ sdp: String) -> SignalingMessage { SignalingMessage(type: "answer", sdp: sdp) }

    /// The JSON body: an object with `type` then `sdp`, slashes unescaped (SDP has none that need it, and
    /// peers that compare bodies by eye read them more easily).
    public var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding two strings cannot fail: no floats, no non-string keys.
        return (try? Array(encoder.encode(self))) ?? []
    }

    /// Decodes a JSON body, naming what is wrong when it is not a signaling message.
    public init(json bytes: some Collection<UInt8>) throws(EchoSignalingError) {
        do {
            self = try JSONDecoder().decode(SignalingMessage.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw .invalidJSON(Self.reason(error))
        } catch {
            throw .invalidJSON("\(error)")
        }
    }

    /// Decodes a JSON body and checks that it is of the `expected` type.
    static func decode(_ bytes: some Collection<UInt8>, expecting expected: String) throws(EchoSignalingError) -> SignalingMessage {
        let message = try SignalingMessage(json: bytes)
        guard message.type == expected else { throw .unexpectedType(expected: expected, received: message.type) }
        return message
    }

    /// A one-line reason for a decoding failure (Foundation's own descriptions span several lines).
    private static func reason(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "missing field \"\(key.stringValue)\""
        case .typeMismatch(_, let context) where context.codingPath.isEmpty: "not a JSON object"
        case .typeMismatch(_, let context):
            "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" is not a string"
        case .valueNotFound(_, let context):
            "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" is null"
        case .dataCorrupted(let context):
            context.codingPath.isEmpty ? "not a JSON object" : "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": \(context.debugDescription)"
        @unknown default: "\(error)"
        }
    }
}
