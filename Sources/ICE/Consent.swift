import SansIO
import STUN
import Wire

/// Consent freshness on the selected pair (RFC 7675).
extension ICEAgent {
    /// Consent starts fresh when a pair is selected: the nomination check just succeeded. A lite agent
    /// sends no consent checks (RFC 7675 §4 leaves consent to the full peer) and so never disconnects.
    mutating func startConsent(on key: PairKey) {
        guard !configuration.isLite, let remoteCredentials, let remoteKey else {
            consent = nil
            return
        }
        consent = ConsentState(
            pair: key, localUfrag: localCredentials.ufrag, remote: remoteCredentials, remoteKey: remoteKey,
            lastResponse: now, nextCheck: now + consentInterval())
    }

    /// The next interval: uniform in 0.8–1.2 × the configured one (RFC 7675 §5.1), in milliseconds.
    mutating func consentInterval() -> Duration {
        let mean = configuration.consent.interval.nanosecondsSaturated / 1_000_000
        let low = max(1, mean * 8 / 10)
        let high = max(low, mean * 12 / 10)
        return .milliseconds(Int64.random(in: low...high, using: &generator))
    }

    /// Sends a consent check when due, and marks `disconnected` and lost consent when their silence is over.
    mutating func fireConsentTimers() {
        guard var consent, !consent.lost else { return }
        let silence = now - consent.lastResponse
        if silence >= configuration.consent.lostAfter {
            // RFC 7675 §5.2: consent lost; no more data, no more checks.
            consent.lost = true
            self.consent = consent
            transactions = transactions.filter {
                if case .consent = $0.value.purpose { return false }
                return true
            }
            return
        }
        if silence >= configuration.consent.disconnectedAfter { consent.disconnected = true }
        if consent.nextCheck <= now {
            consent.nextCheck = now + consentInterval()
            let id = newTransactionID()
            let local = hostCandidates.first { $0.address == consent.pair.localBase }
                ?? localCandidates.first { $0.address == consent.pair.localBase }
            let priority = ICECandidate.priority(
                typePreference: ICECandidateKind.peerReflexive.typePreference, localPreference: local?.localPreference ?? 65_535)
            let payload = checkRequest(
                id, localUfrag: consent.localUfrag, remote: consent.remote, remoteKey: consent.remoteKey,
                priority: priority, useCandidate: false)
            self.consent = consent
            startTransaction(
                id, .consent(consent.pair), Datagram(from: consent.pair.localBase, to: consent.pair.remote, payload: payload),
                key: consent.remoteKey, rto: configuration.retransmission.minimumRTO, retransmits: false)
            return
        }
        self.consent = consent
    }
}
