
import Wire

/// Pulls one protocol's messages out of captures into corpus seeds (like usrsctp's pcap2corpus), keeping
/// one seed per distinct message shape so the corpus stays small and varied.
public enum CorpusExtraction {
    /// A seed to write: a file name that says where it came from, and its bytes.
    public struct Seed: Hashable, Sendable {
        public let fileName: String
        public let bytes: [UInt8]
    }

    /// Seeds for `entry` from the capture datagrams the catalogue gives it that the codec accepts. Two
    /// messages have the same shape when their described structures have the same field names, list
    /// lengths and kind values; only the first of each shape is kept.
    public static func seeds(for entry: ProtocolEntry, shared: SharedFolder) throws -> [Seed] {
        var shapes: Set<String> = []
        var seeds: [Seed] = []
        for found in try ProtocolCatalog.captureDatagrams(for: entry.name, shared: shared) {
            guard case .success(let inspection) = entry.inspect(found.datagram.payload), inspection.roundTrip else { continue }
            guard shapes.insert(shape(of: inspection.structure)).inserted else { continue }
            let stem = found.capture.split(separator: ".").first.map(String.init) ?? found.capture
            seeds.append(Seed(fileName: "capture-\(stem)-frame-\(found.datagram.frame).bin", bytes: found.datagram.payload))
        }
        return seeds
    }

    /// Fields whose values name a kind of thing (message class, method, attribute name) rather than
    /// carrying data: they stay in the shape, every other value is left out.
    static let kindFields: Set<String> = ["class", "method", "name", "type", "kind"]

    /// The field-name skeleton of a structure, with the values of kind fields.
    static func shape(of structure: Structure) -> String {
        switch structure {
        case .record(let fields):
            "{" + fields.map { field in
                if kindFields.contains(field.name), case .text(let kind) = field.value { return "\(field.name)=\(kind)" }
                return "\(field.name):\(shape(of: field.value))"
            }.joined(separator: ",") + "}"
        case .list(let items): "[" + items.map(shape(of:)).joined(separator: ",") + "]"
        default: "_"
        }
    }
}
