import Testing
import SansIO
import STUN
import TURN
import Wire

@Suite("TURN client: allocation and long-term credentials (RFC 8656 §7, RFC 8489 §9.2)")
struct AllocationTests {
    @Test("the first Allocate goes without credentials and asks for UDP relaying")
    func firstAllocate() throws {
        var harness = Harness()
        harness.input(.allocate)
        let first = try #require(harness.sentRequests(.allocate).first)
        #expect(first.first(.messageIntegrity) == nil)
        #expect(first.first(.username) == nil)
        #expect(first.value(of: .requestedTransport) == .requestedTransport(17))
    }

    @Test("the 401's realm and nonce sign the retry with USERNAME, REALM, NONCE and MESSAGE-INTEGRITY")
    func retryWithCredentials() throws {
        var harness = Harness()
        harness.input(.allocate)
        let allocates = harness.sentRequests(.allocate)
        try #require(allocates.count == 2)
        let retry = allocates[1]
        #expect(retry.transactionID != allocates[0].transactionID)
        #expect(retry.value(of: .username) == .username("alice"))
        #expect(retry.value(of: .realm) == .realm("crucible.test"))
        #expect(retry.value(of: .nonce) == .nonce("nonce-0"))
        let key = try STUNCredentials.longTermKey(username: "alice", realm: "crucible.test", password: "secret",
                                                  preparation: .saslPrep)
        #expect(retry.verifyMessageIntegrity(key: key) == .valid)
    }

    @Test("a successful Allocate reports the relayed and mapped addresses and the lifetime")
    func allocated() {
        var harness = Harness()
        harness.input(.allocate)
        #expect(harness.events == [
            .allocated(relayed: harness.server.relayed, mapped: Harness.clientAddress, lifetime: .seconds(600)),
        ])
        #expect(harness.client.state == .allocated)
        #expect(harness.client.relayedAddress == harness.server.relayed)
    }

    @Test("a 401 to a request with credentials fails: wrong password")
    func wrongPassword() {
        var harness = Harness(password: "not the secret")
        harness.input(.allocate)
        #expect(harness.events == [.failed(.unauthorized)])
        #expect(harness.client.state == .idle)
        #expect(harness.sentRequests(.allocate).count == 2)
        #expect(harness.client.nextDeadline == nil)
    }

    @Test("a 438 Stale Nonce is retried once with the new nonce")
    func staleNonceRetried() throws {
        var harness = Harness()
        harness.allocated()
        harness.server.staleNoncesToSend = 1
        harness.input(.createPermission(.loopbackV4))
        #expect(harness.events == [.permissionCreated(.loopbackV4)])
        let requests = harness.sentRequests(.createPermission)
        try #require(requests.count == 2)
        #expect(requests[0].value(of: .nonce) == .nonce("nonce-0"))
        #expect(requests[1].value(of: .nonce) == .nonce("nonce-1"))
    }

    @Test("a second 438 in a row fails the request")
    func staleNonceTwice() {
        var harness = Harness()
        harness.allocated()
        harness.server.staleNoncesToSend = 2
        harness.input(.createPermission(.loopbackV4))
        #expect(harness.events == [.failed(.staleNonce(.createPermission))])
        #expect(harness.sentRequests(.createPermission).count == 2)
        #expect(!harness.client.hasPermission(for: .loopbackV4))
    }

    @Test("an Allocate error other than 401 and 438 is reported and leaves the client idle")
    func allocateRejected() {
        var harness = Harness()
        harness.server.rejecting = (.allocate, STUNErrorCode.allocationQuotaReached)
        harness.input(.allocate)
        #expect(harness.events == [.failed(.rejected(.allocate, STUNErrorCode(code: 486)))])
        #expect(harness.client.state == .idle)
    }

    @Test("a second .allocate while allocated is refused")
    func allocateTwice() {
        var harness = Harness()
        harness.allocated()
        harness.input(.allocate)
        #expect(harness.events == [.failed(.alreadyAllocated)])
    }

    @Test("operations before an allocation fail with notAllocated", arguments: [
        TURNClient.Input.createPermission(.loopbackV4),
        .bindChannel(TransportAddress(.loopbackV4, port: 9)),
        .send([1], to: TransportAddress(.loopbackV4, port: 9)),
        .refresh,
    ])
    func beforeAllocation(input: TURNClient.Input) {
        var harness = Harness()
        harness.input(input)
        #expect(harness.events == [.failed(.notAllocated)])
        #expect(harness.sent.isEmpty)
    }

    @Test("the same seed gives the same datagrams, byte for byte")
    func deterministic() {
        func run() -> [[UInt8]] {
            var harness = Harness(seed: 42)
            harness.input(.allocate)
            harness.input(.createPermission(.loopbackV4))
            harness.input(.bindChannel(TransportAddress(.loopbackV4, port: 7)))
            harness.advance(by: .seconds(1000))
            harness.input(.close)
            return harness.sent.map(\.payload)
        }
        #expect(run() == run())
    }
}

extension TURNClient.Input: CustomTestStringConvertible {
    public var testDescription: String { "\(self)" }
}
