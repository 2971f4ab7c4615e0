/// The collectors of a replay's inventory, fed every decoded packet in capture order. Data channels
/// come from the SCTP rule, which reassembles them already; certificates from the DTLS signalling rule.
struct InventoryStages: Sendable {
    private var media: MediaInventory
    private var ice: ICEInventory
    private var dtls: DTLSInventory
    let signalling: ReplaySignalling

    init(signalling: ReplaySignalling, assignments: [PayloadTypeAssignment]) {
        self.signalling = signalling
        media = MediaInventory(signalling: signalling, assignments: assignments)
        ice = ICEInventory()
        dtls = DTLSInventory(signalling: signalling)
    }

    mutating func observe(_ decoded: DecodedPacket) {
        switch decoded.content {
        case .rtp: media.observe(decoded)
        case .stun: ice.observe(decoded)
        case .dtls: dtls.observe(decoded)
        default: return
        }
    }

    func inventory(
        flows: [Flow], sides: SideAttribution, payloadCounts: [MediaPayloadStage.StreamKey: (opusPackets: Int, vp8Frames: Int)],
        certificates: [DTLSSignallingRule.SeenCertificate]
    ) -> SessionInventory {
        var inventory = SessionInventory()
        if !signalling.isEmpty || !signalling.problems.isEmpty {
            inventory.signalling = SignallingEntry(
                sources: Dictionary(uniqueKeysWithValues: signalling.sources.map { ($0.key.rawValue, $0.value) }),
                problems: signalling.problems, dtlsClient: signalling.dtlsClient?.rawValue)
        }
        inventory.mediaStreams = media.entries(payloadCounts: payloadCounts)
        inventory.icePairs = ice.entries(flows: flows, sides: sides)
        inventory.dtlsAssociations = dtls.entries(certificates: certificates)
        return inventory
    }
}
