import Wire

/// A rule that a well-formed packet breaks, found after parsing (RFC 9260 §3.2, §6.10, §8.5.1).
///
/// The parser keeps such packets so they round-trip and so the association machine can apply the RFC's
/// action (discard, ABORT, report); `SCTPPacket.findings` lists them.
public struct SCTPFinding: Hashable, Sendable, CustomStringConvertible {
    public let rule: SCTPRule
    /// The chunk concerned, by position in the packet; nil for the whole packet.
    public let chunkIndex: Int?
    public let detail: String

    public init(rule: SCTPRule, chunkIndex: Int?, detail: String) {
        self.rule = rule
        self.chunkIndex = chunkIndex
        self.detail = detail
    }

    public var description: String {
        let place = chunkIndex.map { "chunk \($0)" } ?? "packet"
        return "\(place): \(rule.id) (\(rule.reference)): \(detail)"
    }
}

/// A chunk the codec does not know, with the action its type's high bits ask for (RFC 9260 §3.2).
public struct UnrecognizedChunk: Hashable, Sendable {
    public let chunkIndex: Int
    public let type: UInt8
    public let action: UnrecognizedTypeAction

    public init(chunkIndex: Int, type: UInt8, action: UnrecognizedTypeAction) {
        self.chunkIndex = chunkIndex
        self.type = type
        self.action = action
    }
}

/// A parameter the codec does not know, with the action its type's high bits ask for (RFC 9260 §3.2.1).
public struct UnrecognizedParameter: Hashable, Sendable {
    public let chunkIndex: Int
    public let parameterIndex: Int
    public let type: UInt16
    public let action: UnrecognizedTypeAction

    public init(chunkIndex: Int, parameterIndex: Int, type: UInt16, action: UnrecognizedTypeAction) {
        self.chunkIndex = chunkIndex
        self.parameterIndex = parameterIndex
        self.type = type
        self.action = action
    }
}

extension SCTPPacket {
    /// Unknown chunks in order, each with the action RFC 9260 §3.2 prescribes. A receiver that meets a
    /// "stop" action ignores the chunks after it.
    public var unrecognizedChunkActions: [UnrecognizedChunk] {
        chunks.enumerated().compactMap { index, chunk in
            guard case .unknown(let unknown) = chunk else { return nil }
            return UnrecognizedChunk(chunkIndex: index, type: unknown.type, action: unknown.action)
        }
    }

    /// Unknown parameters of INIT, INIT ACK, HEARTBEAT (ACK) and RE-CONFIG chunks, with the action
    /// RFC 9260 §3.2.1 prescribes.
    public var unrecognizedParameterActions: [UnrecognizedParameter] {
        var found: [UnrecognizedParameter] = []
        for (chunkIndex, chunk) in chunks.enumerated() {
            for (parameterIndex, parameter) in chunk.parameters.enumerated() {
                guard case .unknown(let type, _) = parameter else { continue }
                found.append(UnrecognizedParameter(
                    chunkIndex: chunkIndex, parameterIndex: parameterIndex, type: type,
                    action: UnrecognizedTypeAction(parameterType: type)))
            }
        }
        return found
    }

    /// Every rule this packet breaks without being malformed: bundling (§6.10), the Verification Tag of a
    /// packet carrying INIT (§8.5.1), INIT fields that must not be zero (§3.3.2, §3.3.3), DATA without
    /// user data (§3.3.1), missing mandatory parameters (§3.3.3, §3.3.5, RFC 6525 §3.1), and unknown chunk and parameter types with their actions (§3.2, §3.2.1).
    public var findings: [SCTPFinding] {
        var findings: [SCTPFinding] = []
        for (index, chunk) in chunks.enumerated() {
            if chunks.count > 1, chunk.mustNotBeBundled {
                findings.append(SCTPFinding(rule: .bundling, chunkIndex: index, detail: "\(chunk.name) bundled with \(chunks.count - 1) other chunk(s)"))
            }
            switch chunk {
            case .initiation(let initiation), .initiationAck(let initiation):
                if initiation.initiateTag == 0 {
                    findings.append(SCTPFinding(rule: .initFields, chunkIndex: index, detail: "\(chunk.name) Initiate Tag is 0"))
                }
                if case .initiationAck = chunk, !initiation.parameters.elements.contains(where: { $0.type == 7 }) {
                    findings.append(SCTPFinding(rule: .mandatoryParameter, chunkIndex: index, detail: "INIT ACK without State Cookie"))
                }
                if initiation.outboundStreams == 0 || initiation.inboundStreams == 0 {
                    findings.append(SCTPFinding(
                        rule: .initFields, chunkIndex: index,
                        detail: "\(chunk.name) stream counts OS \(initiation.outboundStreams), MIS \(initiation.inboundStreams) must not be 0"))
                }
            case .heartbeat(let heartbeat), .heartbeatAck(let heartbeat):
                if !heartbeat.parameters.elements.contains(where: { $0.type == 1 }) {
                    findings.append(SCTPFinding(rule: .mandatoryParameter, chunkIndex: index, detail: "\(chunk.name) without Heartbeat Info"))
                }
            case .reconfig(let reconfig):
                let count = reconfig.parameters.elements.count
                if !(1...2).contains(count) || reconfig.parameters.elements.contains(where: { !(13...18).contains($0.type) }) {
                    findings.append(SCTPFinding(
                        rule: .mandatoryParameter, chunkIndex: index,
                        detail: "RE-CONFIG carries \(count) parameter(s) of types \(reconfig.parameters.elements.map(\.type)); one or two of types 13-18 expected"))
                }
            case .data(let data) where data.userData.isEmpty:
                findings.append(SCTPFinding(rule: .noUserData, chunkIndex: index, detail: "DATA TSN \(data.tsn) carries no user data"))
            case .iData(let data) where data.userData.isEmpty:
                findings.append(SCTPFinding(rule: .noUserData, chunkIndex: index, detail: "I-DATA TSN \(data.tsn) carries no user data"))
            default: break
            }
        }
        if case .initiation = chunks.first, verificationTag != 0 {
            findings.append(SCTPFinding(
                rule: .initVerificationTag, chunkIndex: 0, detail: "packet carrying INIT has Verification Tag \(hex32(verificationTag)), not 0"))
        }
        for unknown in unrecognizedChunkActions {
            findings.append(SCTPFinding(
                rule: .unrecognizedChunk, chunkIndex: unknown.chunkIndex,
                detail: "chunk type \(unknown.type): \(unknown.action.name)"))
        }
        for unknown in unrecognizedParameterActions {
            findings.append(SCTPFinding(
                rule: .unrecognizedParameter, chunkIndex: unknown.chunkIndex,
                detail: "parameter \(unknown.parameterIndex) type \(hex16(unknown.type)): \(unknown.action.name)"))
        }
        return findings
    }
}

extension SCTPChunk {
    /// INIT, INIT ACK and SHUTDOWN COMPLETE travel alone (RFC 9260 §6.10).
    public var mustNotBeBundled: Bool {
        switch self {
        case .initiation, .initiationAck, .shutdownComplete: true
        default: false
        }
    }

    /// The parameters of chunks that carry them; empty for the others.
    public var parameters: [SCTPParameter] {
        switch self {
        case .initiation(let chunk), .initiationAck(let chunk): chunk.parameters.elements
        case .heartbeat(let chunk), .heartbeatAck(let chunk): chunk.parameters.elements
        case .reconfig(let chunk): chunk.parameters.elements
        default: []
        }
    }
}

func hex16(_ value: UInt16) -> String { Hex.integer(value) }
