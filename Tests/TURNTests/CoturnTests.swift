import CrucibleTestSupport
import Foundation
import Pcap
import SansIO
import STUN
import Testing
import TURN
import UDPDriver
import Wire

/// The client through the UDP driver against a real coturn on loopback (RFC 8656 end to end).
/// Serialized: each test starts its own server, and two at once only compete for the two cores.
@Suite("TURN client against coturn on loopback", .serialized)
struct CoturnTests {
    static let local = TransportAddress(.loopbackV4, port: 0)

    /// Waits until the server answers a Binding request, and returns the XOR-MAPPED-ADDRESS and the
    /// address it was sent from.
    static func binding(_ server: CoturnServer) async throws -> (mapped: TransportAddress?, local: TransportAddress) {
        let driver = try await UDPDriver.start(configuration: UDPDriverConfiguration(localAddresses: [local])) {
            BindingClient(local: $0[0], server: server.address)
        }
        let outputs = Collector(driver.outputs)
        await driver.handle(.bind)
        await outputs.wait(timeout: .seconds(10)) { !$0.isEmpty }
        await driver.stop()
        var mapped: TransportAddress?
        if case .mapped(let address)? = outputs.all.first { mapped = address }
        return (mapped, driver.boundAddresses[0])
    }

    @Test("a STUN Binding request to coturn returns our own loopback address as XOR-MAPPED-ADDRESS")
    func bindingReturnsOurAddress() async throws {
        try await CoturnServer.with { server in
            let (mapped, local) = try await Self.binding(server)
            #expect(mapped == local)
        }
    }

    @Test("allocate, permit, relay through Send/Data and through a channel, refresh, and deallocate")
    func fullSession() async throws {
        try await CoturnServer.with { server in
            _ = try await Self.binding(server)  // the server answers: go on

            let peer = try await UDPDriver.start(configuration: UDPDriverConfiguration(localAddresses: [Self.local])) { _ in
                // A UDP peer behind the relay: sends back every datagram, prefixed with "echo:".
                EchoMachine { Array("echo:".utf8) + $0 }
            }
            let peerAddress = peer.boundAddresses[0]
            let peerOutputs = Collector(peer.outputs)

            let recording = server.directory.appendingPathComponent("client.pcapng").path
            let client = try await UDPDriver.start(
                configuration: UDPDriverConfiguration(localAddresses: [Self.local], recordingPath: recording)
            ) { addresses in
                TURNClient(server: server.address, local: addresses[0], username: "alice", password: "secret",
                           generator: SeededGenerator(seed: 0xC0_7572))
            }
            let clientAddress = client.boundAddresses[0]
            let outputs = Collector(client.outputs)
            func expectNext(_ description: String, _ match: @escaping (TURNClient.Output) -> Bool) async -> Bool {
                let found = await outputs.wait(timeout: .seconds(10)) { $0.contains(where: match) }
                if !found { Issue.record("no \(description); outputs: \(outputs.all)") }
                return found
            }

            // Allocate: 401, then the signed retry.
            await client.handle(.allocate)
            guard await expectNext("allocation", { if case .allocated = $0 { true } else { false } }) else { return }
            guard case .allocated(let relayed, let mapped, let lifetime)? = outputs.all.first(where: {
                if case .allocated = $0 { true } else { false }
            }) else { return }
            #expect(relayed.address == .loopbackV4)
            #expect(mapped == clientAddress)
            #expect(lifetime > .seconds(60))

            // Permission, then data through a Send indication, echoed back as a Data indication.
            await client.handle(.createPermission(peerAddress.address))
            guard await expectNext("permission", { $0 == .permissionCreated(peerAddress.address) }) else { return }
            await client.handle(.send(Array("via send".utf8), to: peerAddress))
            #expect(await expectNext("echo via Data indication", { $0 == .data(Array("echo:via send".utf8), from: peerAddress) }))
            #expect(peerOutputs.all.first == .got(Datagram(from: relayed, to: peerAddress, payload: Array("via send".utf8))))

            // A channel, then data as ChannelData both ways.
            await client.handle(.bindChannel(peerAddress))
            guard await expectNext("channel", { $0 == .channelBound(0x4000, peer: peerAddress) }) else { return }
            await client.handle(.send(Array("via channel".utf8), to: peerAddress))
            #expect(await expectNext("echo via ChannelData", { $0 == .data(Array("echo:via channel".utf8), from: peerAddress) }))

            // Refresh, then delete the allocation.
            await client.handle(.refresh)
            #expect(await expectNext("refresh", { if case .refreshed = $0 { true } else { false } }))
            await client.handle(.close)
            #expect(await expectNext("close", { $0 == .closed }))
            #expect(!outputs.all.contains { if case .failed = $0 { true } else { false } })
            let counters = await client.inspect { $0.counters }
            #expect(counters?.badIntegrity == 0)
            #expect(counters?.unmatchedResponses == 0)
            #expect(await client.inspect { $0.state } == .closed)
            await client.stop()
            await peer.stop()

            // The recording shows ChannelData both ways between client and server.
            let (datagrams, _) = try CaptureReader(path: recording).udpDatagrams()
            let clientEndpoint = Endpoint(address: clientAddress.address.bytes, port: clientAddress.port)
            let serverEndpoint = Endpoint(address: server.address.address.bytes, port: server.address.port)
            let channelData = datagrams.filter { (64...79).contains($0.payload.first ?? 0) }
            #expect(channelData.contains { $0.source == clientEndpoint && $0.destination == serverEndpoint })
            #expect(channelData.contains { $0.source == serverEndpoint && $0.destination == clientEndpoint })
        }
    }

    @Test("a wrong password is refused by coturn and reported as unauthorized")
    func wrongPassword() async throws {
        try await CoturnServer.with { server in
            _ = try await Self.binding(server)
            let client = try await UDPDriver.start(configuration: UDPDriverConfiguration(localAddresses: [Self.local])) {
                TURNClient(server: server.address, local: $0[0], username: "alice", password: "not the secret",
                           generator: SeededGenerator(seed: 2))
            }
            let outputs = Collector(client.outputs)
            await client.handle(.allocate)
            #expect(await outputs.wait(timeout: .seconds(10)) { !$0.isEmpty })
            #expect(outputs.all == [.failed(.unauthorized)])
            await client.stop()
        }
    }
}
