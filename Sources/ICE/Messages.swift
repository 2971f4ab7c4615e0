import STUN
import Wire

/// The STUN messages ICE exchanges (RFC 8445 §7.2.2, §7.3.1), built with the STUN module's codec.
extension ICEAgent {
    /// A connectivity or consent check: USERNAME `remote:local`, PRIORITY (of a peer-reflexive candidate
    /// of this base, §7.2.2), the role attribute with the tie-breaker, USE-CANDIDATE when nominating,
    /// MESSAGE-INTEGRITY with the remote pwd, FINGERPRINT.
    func checkRequest(
        _ id: STUNTransactionID, localUfrag: String, remote: ICECredentials, remoteKey: STUNKey,
        priority: UInt32, useCandidate: Bool
    ) -> [UInt8] {
        var values: [STUNAttributeValue] = [
            .username("\(remote.ufrag):\(localUfrag)"),
            .priority(priority),
            role == .controlling ? .iceControlling(tieBreaker) : .iceControlled(tieBreaker),
        ]
        if useCandidate { values.append(.useCandidate) }
        return STUNMessage(type: .bindingRequest, transactionID: id, values: values)
            .withMessageIntegrity(key: remoteKey).withFingerprint().serialize()
    }

    /// A Binding request to a STUN server: no credentials (RFC 8445 §5.1.1.2), FINGERPRINT for demultiplexing.
    static func serverRequest(_ id: STUNTransactionID) -> [UInt8] {
        STUNMessage(type: .bindingRequest, transactionID: id).withFingerprint().serialize()
    }

    /// The success response to a check: XOR-MAPPED-ADDRESS of the source (RFC 8445 §7.3.1.2),
    /// authenticated with the local pwd the request used.
    static func successResponse(_ id: STUNTransactionID, mapped: TransportAddress, key: STUNKey) -> [UInt8] {
        STUNMessage(type: .bindingSuccess, transactionID: id, values: [.xorMappedAddress(mapped)])
            .withMessageIntegrity(key: key).withFingerprint().serialize()
    }

    /// An error response. `key` is nil when the request could not be authenticated (400 for a missing
    /// USERNAME or MESSAGE-INTEGRITY, 401 for an unknown username or a bad MAC, RFC 8489 §9.1.3): such a
    /// response carries no MESSAGE-INTEGRITY.
    static func errorResponse(
        _ id: STUNTransactionID, code: UInt16, reason: String, key: STUNKey?, unknown: [UInt16] = []
    ) -> [UInt8] {
        var values: [STUNAttributeValue] = [.errorCode(STUNErrorCode(code: code, reason: reason))]
        if !unknown.isEmpty { values.append(.unknownAttributes(unknown)) }
        var message = STUNMessage(type: .bindingError, transactionID: id, values: values)
        if let key { message = message.withMessageIntegrity(key: key) }
        return message.withFingerprint().serialize()
    }
}
