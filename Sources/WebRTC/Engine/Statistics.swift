import DTLS
import DataChannels
import ICE
public import SansIO
import Wire

/// One value of a stats entry (the JSON types webrtc-stats uses).
public enum StatisticsValue: Hashable, Sendable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)

    public var description: String {
        switch self {
        case .int(let value): "\(value)"
        case .double(let value): "\(value)"
        case .string(let value): value
        case .bool(let value): "\(value)"
        }
    }
}

/// One W3C webrtc-stats dictionary: `id`, `type` (`peer-connection`, `transport`, `candidate-pair`,
/// `local-candidate`, `remote-candidate`, `certificate`, `data-channel`, `media-source`, `outbound-rtp`,
/// `remote-inbound-rtp`, `inbound-rtp`, `remote-outbound-rtp`, `codec`), `timestamp` and its members
/// under their webrtc-stats names. Members prefixed `crucible` are the engine's own counters.
///
/// One type is Crucible's own: `tolerance`, an entry per deviation from an RFC the peer sent and the engine
/// accepted (DESIGN §1.7, `Tolerance.all`), with `rule` (`DCEP.ack-length`), `reference` and `count`.
public struct Statistics: Hashable, Sendable {
    public var id: String
    public var type: String
    /// Milliseconds on the connection's clock.
    public var timestamp: Double
    public var values: [String: StatisticsValue]

    public subscript(_ name: String) -> StatisticsValue? { values[name] }
}

/// A W3C `RTCStatsReport`.
public struct StatisticsReport: Hashable, Sendable {
    public var entries: [Statistics]

    /// The entries of one type, in report order.
    public func entries(ofType type: String) -> [Statistics] { entries.filter { $0.type == type } }
    public subscript(id id: String) -> Statistics? { entries.first { $0.id == id } }
}

extension PeerConnectionMachine {
    /// The report for `now` (webrtc-stats §3 for the names).
    public func statisticsReport(at now: Instant) -> StatisticsReport {
        let timestamp = Double(now.nanoseconds) / 1_000_000
        var entries: [Statistics] = []
        func add(_ id: String, _ type: String, _ values: [String: StatisticsValue]) {
            entries.append(Statistics(id: id, type: type, timestamp: timestamp, values: values))
        }
        let infos = channels.channels
        add("P", "peer-connection", [
            "dataChannelsOpened": .int(channels.statistics.dataChannelsOpened),
            "dataChannelsClosed": .int(channels.statistics.dataChannelsClosed),
        ])
        var transport: [String: StatisticsValue] = [
            "bytesSent": .int(counters.bytesSent), "bytesReceived": .int(counters.bytesReceived),
            "packetsSent": .int(counters.datagramsSent), "packetsReceived": .int(counters.datagramsReceived),
            "dtlsState": .string(dtlsState.rawValue), "iceState": .string(iceConnectionState.rawValue),
            "localCertificateId": .string("CERT-local"),
            "iceLocalUsernameFragment": .string(localCredentials.ufrag),
        ]
        if let role = dtlsRole { transport["dtlsRole"] = .string(role == .client ? "client" : "server") }
        if let ice { transport["iceRole"] = .string(ice.agent.role.rawValue) }
        if let info = dtls?.connectionInfo {
            transport["tlsVersion"] = .string("FEFD")
            transport["dtlsCipher"] = .string("0x" + String(info.cipherSuite, radix: 16, uppercase: true))
            transport["remoteCertificateId"] = .string("CERT-remote")
            add("CERT-remote", "certificate", [
                "fingerprint": .string(info.peerFingerprint.hexPairs), "fingerprintAlgorithm": .string("sha-256"),
                "base64Certificate": .string(Self.base64(info.peerCertificate)),
            ])
        }
        if let pair = selectedPair {
            let pairID = "CP-\(pair.local.address)-\(pair.remote.address)"
            transport["selectedCandidatePairId"] = .string(pairID)
            add(pairID, "candidate-pair", [
                "transportId": .string("T"), "localCandidateId": .string("L-\(pair.local.address)"),
                "remoteCandidateId": .string("R-\(pair.remote.address)"), "state": .string("succeeded"),
                "nominated": .bool(true), "priority": .int(Int(truncatingIfNeeded: pair.priority(as: ice?.agent.role ?? .controlling))),
            ])
        }
        transport.merge(mediaTransportValues) { current, _ in current }
        add("T", "transport", transport)
        mediaStatistics(at: now, add: add)
        add("CERT-local", "certificate", [
            "fingerprint": .string(localFingerprint.hexPairs), "fingerprintAlgorithm": .string("sha-256"),
            "base64Certificate": .string(Self.base64(certificate.der)),
        ])
        for candidate in ice?.agent.localCandidates ?? [] {
            add("L-\(candidate.address)", "local-candidate", Self.candidateValues(candidate))
        }
        for candidate in ice?.agent.remoteCandidates ?? [] {
            add("R-\(candidate.address)", "remote-candidate", Self.candidateValues(candidate))
        }
        let tolerated = channels.statistics.tolerated.merging(counters.tolerated, uniquingKeysWith: +)
        for (rule, count) in tolerated.sorted(by: { $0.key < $1.key }) {
            let tolerance = Tolerance.all.first { $0.rule == rule }
            add("TOL-\(rule)", "tolerance", [
                "rule": .string(rule), "reference": .string(tolerance?.reference ?? ""), "count": .int(count),
            ])
        }
        for info in infos {
            var values: [String: StatisticsValue] = [
                "label": .string(info.label), "protocol": .string(info.options.protocol),
                "state": .string("\(info.state)"),
            ]
            if let stream = info.stream { values["dataChannelIdentifier"] = .int(Int(stream)) }
            if let counts = channels.statistics.channels[info.handle] {
                values["messagesSent"] = .int(counts.messagesSent)
                values["bytesSent"] = .int(counts.bytesSent)
                values["messagesReceived"] = .int(counts.messagesReceived)
                values["bytesReceived"] = .int(counts.bytesReceived)
            }
            add("D\(info.handle.rawValue)", "data-channel", values)
        }
        return StatisticsReport(entries: entries)
    }

    static func candidateValues(_ candidate: ICECandidate) -> [String: StatisticsValue] {
        [
            "transportId": .string("T"), "address": .string(candidate.address.address.description),
            "port": .int(Int(candidate.address.port)), "protocol": .string("udp"),
            "candidateType": .string(candidate.kind.sdpTypeName), "priority": .int(Int(candidate.priority)),
            "foundation": .string(candidate.foundation),
        ]
    }

    /// RFC 4648 §4 base64, for `base64Certificate`.
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var text = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0..<4 {
                text.append(position <= chunk.count ? alphabet[Int(value >> (18 - 6 * UInt32(position)) & 0x3F)] : "=")
            }
            index += 3
        }
        return text
    }
}

extension ICECandidateKind {
    /// The webrtc-stats `candidateType` (the SDP `typ` token).
    var sdpTypeName: String {
        switch self {
        case .host: "host"
        case .serverReflexive: "srflx"
        case .peerReflexive: "prflx"
        case .relayed: "relay"
        }
    }
}
