import Pcap
import Replay

/// A test case about one capture, named by it in the test's output.
protocol CaptureCase: Sendable, CustomStringConvertible {
    var capture: String { get }
}

extension CaptureCase {
    var description: String { capture }
}

/// Test-side first pass: demultiplexes a capture, feeds every packet to a ``FlowClassifier``, and
/// decodes every packet with its flow so vendor variants and RFC 3489 messages are counted.
struct CaptureClassification {
    let flows: [Flow]
    let classes: [FlowClass]
    /// Findings under `ClassificationRules` (vendor variants, `STUN.classic`), over every flow.
    let deviations: [ReplayFinding]
    /// The flows of each frame's packets (a TURN-relayed datagram has its outer and its inner flow).
    let flowsOfFrame: [Int: Set<Int>]

    init(_ datagrams: [ReplayDatagram], classifier: FlowClassifier = FlowClassifier()) {
        var demultiplexer = Demultiplexer()
        var classifier = classifier
        let decoder = PacketDecoder()
        var packets: [ReplayPacket] = []
        for datagram in datagrams {
            for packet in demultiplexer.packets(for: datagram) {
                classifier.observe(packet)
                packets.append(packet)
            }
        }
        flowsOfFrame = packets.reduce(into: [:]) { $0[$1.frame, default: []].insert($1.flow) }
        let flows = demultiplexer.flows
        let ids = Set(ClassificationRules.rules.map(\.id))
        deviations = packets.flatMap { packet in
            decoder.decode(packet, flow: flows[packet.flow]).1.filter { ids.contains($0.rule.id) }
        }
        self.flows = flows
        classes = flows.map(classifier.classification(of:))
    }

    init(path: String, classifier: FlowClassifier = FlowClassifier()) throws {
        self.init(try CaptureReader(path: path).udpDatagrams().datagrams, classifier: classifier)
    }

    /// The class of each flow, by "a <-> b" (and "via n" for relayed flows).
    var byFlow: [String: FlowClass] {
        Dictionary(uniqueKeysWithValues: zip(flows, classes).map { (Self.name($0.0), $0.1) })
    }

    static func name(_ flow: Flow) -> String {
        "\(flow.a) <-> \(flow.b)" + (flow.relayedThrough.map { " via \($0)" } ?? "")
    }

    /// A one-line tally: flows, WebRTC, skipped by protocol, unrecognised.
    var tally: String {
        var webRTC = 0
        var unrecognised = 0
        var skipped: [String: Int] = [:]
        for flowClass in classes {
            switch flowClass {
            case .webRTC: webRTC += 1
            case .skipped(let name, _): skipped[name, default: 0] += 1
            case .unrecognised: unrecognised += 1
            }
        }
        let skippedText = skipped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "\(flows.count) flows: webRTC \(webRTC), skipped \(skipped.values.reduce(0, +)) [\(skippedText)], unrecognised \(unrecognised)"
    }
}
