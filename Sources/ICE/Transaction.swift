import SansIO
import STUN
import Wire

/// A STUN client transaction the agent runs (RFC 8489 §6.2.1): what it is for, the datagram, and its
/// retransmission schedule.
struct Transaction: Sendable {
    enum Purpose: Sendable {
        /// A connectivity check; `nominating` when it carries USE-CANDIDATE, `role` as sent.
        case check(PairKey, nominating: Bool, role: ICERole)
        /// A consent check on the selected pair (RFC 7675).
        case consent(PairKey)
        /// A Binding request to a STUN server from a host base (RFC 8445 §5.1.1.2).
        case serverReflexive(base: ICECandidate, server: TransportAddress)
    }

    var purpose: Purpose
    var datagram: Datagram
    /// The key responses must be authenticated with; nil for STUN servers (no credentials).
    var key: STUNKey?
    /// The first interval (RTO); later ones double it, the wait after the last request is Rm × RTO.
    var rto: Duration
    var interval: Duration
    var sent = 1
    /// When to retransmit, or, after the last request, when the transaction times out.
    var deadline: Instant
    /// Cancelled (RFC 8445 §7.3.1.4): no retransmissions, and a timeout is not a failure.
    var cancelled = false
    /// Consent checks are sent once; the consent timers judge silence (RFC 7675 §5.1).
    var retransmits = true
}

extension ICEAgent {
    /// Sends a request and starts its transaction.
    mutating func startTransaction(
        _ id: STUNTransactionID, _ purpose: Transaction.Purpose, _ datagram: Datagram, key: STUNKey?, rto: Duration,
        retransmits: Bool = true
    ) {
        let timing = configuration.retransmission
        let single = !retransmits || timing.requestCount <= 1
        let transaction = Transaction(
            purpose: purpose, datagram: datagram, key: key, rto: rto, interval: rto,
            deadline: now + (single ? rto * timing.lastWaitMultiplier : rto), retransmits: retransmits)
        transactions[id] = transaction
        emit(.transmit(datagram))
    }

    /// Retransmits (RTO doubling, RFC 8489 §6.2.1) and times out due transactions.
    mutating func fireTransactionTimers() {
        let timing = configuration.retransmission
        let due = transactions.filter { $0.value.deadline <= now }.map(\.key).sorted { ($0.high, $0.low) < ($1.high, $1.low) }
        for id in due {
            guard var transaction = transactions[id] else { continue }
            if transaction.retransmits, !transaction.cancelled, transaction.sent < timing.requestCount {
                transaction.sent += 1
                transaction.interval = transaction.interval * 2
                transaction.deadline = now + (transaction.sent == timing.requestCount
                    ? transaction.rto * timing.lastWaitMultiplier : transaction.interval)
                transactions[id] = transaction
                emit(.transmit(transaction.datagram))
            } else {
                transactions[id] = nil
                transactionTimedOut(transaction)
            }
        }
    }

    mutating func transactionTimedOut(_ transaction: Transaction) {
        switch transaction.purpose {
        case .check(let key, let nominating, _):
            guard !transaction.cancelled else { return }
            checkList.update(key) { entry in
                if entry.state == .inProgress { entry.state = .failed }
                // A nomination that got no answer is given up, so another pair can be nominated.
                if nominating { entry.nominationRequested = false }
            }
        case .consent:
            break  // silence is judged by the consent timers
        case .serverReflexive:
            pendingServerReflexive -= 1
        }
    }

    /// Cancels a check's transaction (RFC 8445 §7.3.1.4): no more retransmissions, and a response is
    /// still taken until the transaction timeout.
    mutating func cancelTransaction(_ id: STUNTransactionID) {
        guard var transaction = transactions[id], !transaction.cancelled else { return }
        // At most one cancelled transaction per pair waits for a late answer: a peer repeating its
        // checks cannot pile them up.
        if case .check(let key, _, _) = transaction.purpose {
            transactions = transactions.filter { entry in
                guard entry.value.cancelled, case .check(let other, _, _) = entry.value.purpose else { return true }
                return other != key
            }
        }
        transaction.cancelled = true
        transaction.deadline = now + transaction.rto * configuration.retransmission.lastWaitMultiplier
        transactions[id] = transaction
    }

    mutating func newTransactionID() -> STUNTransactionID {
        STUNTransactionID.random(using: &generator)
    }
}
