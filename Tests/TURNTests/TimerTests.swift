import Testing
import SansIO
import STUN
import TURN
import Wire

@Suite("TURN client: retransmission and lifetimes (RFC 8489 §6.2.1, RFC 8656 §8, §9, §12)")
struct TimerTests {
    @Test("a request unanswered is sent at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s and fails at 39.5 s")
    func retransmissionSchedule() {
        var harness = Harness()
        harness.delivering = false
        harness.input(.allocate)
        harness.advance(by: .seconds(60))
        let times = harness.sent.map { $0.at.nanoseconds / 1_000_000 }
        #expect(times == [0, 500, 1500, 3500, 7500, 15_500, 31_500])
        #expect(harness.events == [.failed(.timedOut(.allocate))])
        #expect(harness.client.counters.retransmissions == 6)
        #expect(harness.client.nextDeadline == nil)
        #expect(harness.client.state == .idle)
    }

    @Test("the timeout comes at 39.5 s exactly, not before")
    func timeoutInstant() {
        var harness = Harness()
        harness.delivering = false
        harness.input(.allocate)
        harness.advance(to: Instant(nanoseconds: 39_499_000_000))
        #expect(harness.events.isEmpty)
        harness.advance(to: Instant(nanoseconds: 39_500_000_000))
        #expect(harness.events == [.failed(.timedOut(.allocate))])
    }

    @Test("a retransmission repeats the request byte for byte, transaction ID included")
    func retransmissionIsIdentical() {
        var harness = Harness()
        harness.delivering = false
        harness.input(.allocate)
        harness.advance(by: .seconds(2))
        #expect(harness.sent.count == 3)
        #expect(Set(harness.sent.map(\.payload)).count == 1)
    }

    @Test("a late answer to a retransmitted request still completes it")
    func lateAnswer() {
        var harness = Harness()
        harness.delivering = false
        harness.input(.allocate)
        harness.advance(by: .seconds(2))
        harness.delivering = true
        harness.advance(by: .seconds(2))  // the 3.5 s retransmission reaches the server: 401, then the signed retry
        #expect(harness.client.state == .allocated)
    }

    @Test("the allocation is refreshed a minute before its lifetime ends", arguments: [
        (UInt32(600), 540.0), (3600, 3540), (100, 75), (120, 90),
    ])
    func allocationRefresh(lifetime: UInt32, refreshAfter: Double) {
        var harness = Harness()
        harness.server.lifetime = lifetime
        harness.allocated()
        let start = harness.now
        harness.advance(by: .seconds(refreshAfter) - .milliseconds(1))
        #expect(harness.sentRequests(.refresh).isEmpty)
        harness.advance(by: .milliseconds(1))
        let refreshes = harness.sentRequests(.refresh)
        #expect(refreshes.count == 1)
        #expect(refreshes.first?.first(.lifetime) == nil)
        #expect(harness.events == [.refreshed(lifetime: .seconds(Int64(lifetime)))])
        #expect(harness.now - start == .seconds(refreshAfter))
    }

    @Test("an absurd LIFETIME is clamped to 30…3600 s", arguments: [
        (UInt32.max, Duration.seconds(3600)), (0, .seconds(30)), (1, .seconds(30)), (3601, .seconds(3600)),
    ])
    func absurdLifetime(lifetime: UInt32, expected: Duration) {
        var harness = Harness()
        harness.server.lifetime = lifetime
        harness.input(.allocate)
        #expect(harness.events == [
            .allocated(relayed: harness.server.relayed, mapped: Harness.clientAddress, lifetime: expected),
        ])
        harness.clearEvents()
        harness.advance(by: .seconds(7200))
        #expect(harness.client.state == .allocated)
        #expect(harness.sentRequests(.refresh).count <= 7200 / 22)
    }

    @Test("permissions are refreshed every 240 s while the allocation lives")
    func permissionRefresh() {
        var harness = Harness()
        harness.server.lifetime = 3600
        harness.allocated()
        harness.input(.createPermission(.loopbackV4))
        harness.advance(by: .seconds(239))
        #expect(harness.sentRequests(.createPermission).count == 1)
        harness.advance(by: .seconds(1))
        #expect(harness.sentRequests(.createPermission).count == 2)
        harness.advance(by: .seconds(240))
        #expect(harness.sentRequests(.createPermission).count == 3)
        #expect(harness.events == [.permissionCreated(.loopbackV4)])  // reported once
    }

    @Test("channel bindings are refreshed every 540 s")
    func channelRefresh() {
        var harness = Harness()
        harness.server.lifetime = 3600
        harness.allocated()
        let peer = TransportAddress(.loopbackV4, port: 5000)
        harness.input(.bindChannel(peer))
        harness.advance(by: .seconds(539))
        #expect(harness.sentRequests(.channelBind).count == 1)
        harness.advance(by: .seconds(1))
        let binds = harness.sentRequests(.channelBind)
        #expect(binds.count == 2)
        #expect(binds.map { $0.value(of: .channelNumber) } == [.channelNumber(0x4000), .channelNumber(0x4000)])
        #expect(harness.events == [.channelBound(0x4000, peer: peer)])
    }

    @Test("a failed refresh lets the allocation expire: reported, then closed")
    func expiry() {
        var harness = Harness()
        harness.allocated()
        harness.delivering = false
        harness.advance(by: .seconds(600))
        #expect(harness.events == [.failed(.timedOut(.refresh)), .failed(.allocationExpired), .closed])
        #expect(harness.client.state == .closed)
        #expect(harness.client.nextDeadline == nil)
    }

    @Test("a 437 to a Refresh means the allocation is gone")
    func refreshMismatch() {
        var harness = Harness()
        harness.allocated()
        harness.server.rejecting = (.refresh, STUNErrorCode.allocationMismatch)
        harness.input(.refresh)
        #expect(harness.events == [.failed(.rejected(.refresh, STUNErrorCode(code: 437))), .closed])
        #expect(harness.client.state == .closed)
    }

    @Test("close sends a Refresh with LIFETIME 0, reports closed and stops every timer")
    func close() throws {
        var harness = Harness()
        harness.allocated()
        harness.input(.createPermission(.loopbackV4))
        harness.input(.bindChannel(TransportAddress(.loopbackV4, port: 5000)))
        harness.clearEvents()
        harness.input(.close)
        let last = try #require(harness.sentRequests(.refresh).last)
        #expect(last.value(of: .lifetime) == .lifetime(0))
        #expect(harness.events == [.closed])
        #expect(harness.client.state == .closed)
        #expect(!harness.server.allocated)
        #expect(harness.client.nextDeadline == nil)
    }

    @Test("close with the server silent still ends: timeout, then closed")
    func closeUnanswered() {
        var harness = Harness()
        harness.allocated()
        harness.delivering = false
        harness.input(.close)
        harness.advance(by: .seconds(60))
        #expect(harness.events == [.failed(.timedOut(.refresh)), .closed])
        #expect(harness.client.nextDeadline == nil)
    }
}
