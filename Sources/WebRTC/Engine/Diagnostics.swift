extension PeerConnectionMachine {
    /// A few lines on where the connection stands: what a failing test or a stuck session prints.
    public var diagnostics: String {
        var lines = [
            "signaling \(signalingState.rawValue), connection \(connectionState.rawValue), ICE \(iceConnectionState.rawValue)/\(iceGatheringState.rawValue), DTLS \(dtlsState.rawValue)",
        ]
        if let agent = ice?.agent {
            lines.append("ICE \(agent.role.rawValue), local \(agent.localCredentials.ufrag), remote \(agent.remoteCredentials?.ufrag ?? "unknown")")
            lines.append("local candidates: \(agent.localCandidates.map(\.description).joined(separator: "; "))")
            lines.append("remote candidates: \(agent.remoteCandidates.map(\.description).joined(separator: "; "))")
            lines.append("check list (\(agent.checkList.state.rawValue)): \(agent.checkList.entries.map(\.description).joined(separator: "; ")); triggered \(agent.checkList.triggeredQueue.count)")
            lines.append("selected: \(agent.selectedPair?.description ?? "none"), transactions \(agent.transactionCount)")
        } else {
            lines.append("ICE not started")
        }
        let association = channels.association
        lines.append("SCTP \(association.state), cwnd \(association.congestionWindow), ssthresh \(association.slowStartThreshold), RTO \(association.retransmissionTimeout), queued \(association.sendBufferedBytes), held \(association.receiveBufferedBytes)")
        lines.append("SCTP \(association.statistics)")
        lines.append("SCTP \(association.sequenceSummary)")
        lines.append("DTLS refused \(dtls?.refusedSendCount ?? 0), channels \(channels.channels.map { "\($0.label)#\($0.stream.map(String.init) ?? "-") \($0.state)" })")
        lines.append("counters: \(counters)")
        return lines.joined(separator: "\n")
    }
}
