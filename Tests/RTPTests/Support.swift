import Conformance
import Foundation
import RTP
import Wire

/// The one vector whose heading contains `fragment`.
func vector(_ vectors: [HexVector], _ fragment: String) -> HexVector? {
    vectors.first { $0.heading.contains(fragment) }
}

/// What a conformance table says a parser must do with some bytes.
enum Outcome<Rule: ProtocolRule>: CustomStringConvertible, Sendable {
    case accept
    case reject(Rule)

    var description: String {
        switch self {
        case .accept: "accept"
        case .reject(let rule): "reject with \(rule.id)"
        }
    }
}

struct Missing: Error, CustomStringConvertible {
    let description: String
}

/// The RFC 8285 elements of a packet's header extension, or an error saying what is missing.
func extensionElements(of packet: RTPPacket) throws -> RTPExtensionElements {
    guard let headerExtension = packet.header.headerExtension else { throw Missing(description: "no header extension") }
    guard let elements = try RTPExtensionElements.decode(headerExtension) else {
        throw Missing(description: "profile 0x\(String(headerExtension.profile, radix: 16)) is not RFC 8285")
    }
    return elements
}
