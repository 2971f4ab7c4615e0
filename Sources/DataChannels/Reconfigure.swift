public import SCTP
public import Wire

extension DataChannelMachine {
    /// Replaces the association's settings before it starts: the SCTP ports and the peer's
    /// max-message-size come from the remote description (RFC 8841 §5, §6), which a peer connection
    /// learns after it made its channels. Ignored once the association has begun (an INIT went out or
    /// came in), when changing them would break the handshake.
    public mutating func reconfigure(association settings: SCTPAssociationConfiguration, generator: SeededGenerator) {
        guard parity == nil, association.state == .closed, !associationEnded else { return }
        configuration.association = settings
        association = SCTPAssociation(configuration: settings, generator: generator)
    }
}
