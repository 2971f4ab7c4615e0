import CrucibleTestSupport
import Foundation
import ICE
import Pcap
import SansIO
import STUN
import TURN
import Testing
import UDPDriver
import Wire

/// Issue 6 against a real server: coturn started by the test on loopback, endpoints on the UDP driver.
/// Serialized: each test starts its own server, and two at once would only compete for the cores.
@Suite("ICE against coturn on loopback", .serialized)
struct CoturnConnectivityTests {
    static let local = TransportAddress(.loopbackV4, port: 0)
    static let credentials = [
        ICECredentials(ufrag: "alphaAAA", pwd: "alpha-password-0123456789"),
        ICECredentials(ufrag: "bravoBBB", pwd: "bravo-password-0123456789"),
    ]

    static func isConnected(_ outputs: [ICEOutput]) -> Bool {
        outputs.contains(.connectionStateChanged(.connected)) || outputs.contains(.connectionStateChanged(.completed))
    }

    static func candidates(_ outputs: [ICEOutput]) -> [ICECandidate] {
        outputs.compactMap { if case .localCandidate(let candidate) = $0 { candidate } else { nil } }
    }

    @Test("two endpoints with transport policy relay connect through coturn: relay↔relay, data both ways, close deallocates")
    func relayOnly() async throws {
        try await CoturnServer.with { server in
            let turn = TURNServerConfiguration(address: server.address, username: "alice", password: "secret")
            var drivers: [UDPDriver<ICEEndpoint>] = []
            var collectors: [Collector<ICEOutput>] = []
            for index in 0..<2 {
                let driver = try await UDPDriver.start(configuration: UDPDriverConfiguration(localAddresses: [Self.local])) { bound in
                    ICEEndpoint(
                        configuration: ICEEndpointConfiguration(
                            ice: ICEConfiguration(hostAddresses: bound, transportPolicy: .relay, credentials: Self.credentials[index]),
                            turnServers: [turn]),
                        role: index == 0 ? .controlling : .controlled, generator: SeededGenerator(seed: 0xC0_7500 + UInt64(index)))
                }
                drivers.append(driver)
                collectors.append(Collector(driver.outputs))
            }
            // Offer/answer: credentials, then gathering; candidates are exchanged once both are complete.
            for index in 0..<2 {
                let remote = Self.credentials[1 - index]
                await drivers[index].handle(.setRemoteCredentials(ufrag: remote.ufrag, pwd: remote.pwd, isLite: false))
                await drivers[index].handle(.startGathering)
            }
            for index in 0..<2 {
                let complete = await collectors[index].wait(timeout: .seconds(10)) { $0.contains(.gatheringStateChanged(.complete)) }
                guard complete else {
                    Issue.record("side \(index) did not finish gathering: \(collectors[index].all)")
                    for driver in drivers { await driver.stop() }
                    return
                }
            }
            let offered = collectors.map { Self.candidates($0.all) }
            for index in 0..<2 {
                #expect(offered[index].count == 1 && offered[index].allSatisfy { $0.kind == .relayed })
                #expect(offered[index].allSatisfy { $0.address.address == .loopbackV4 && $0.address != drivers[index].boundAddresses[0] })
                for candidate in offered[1 - index] { await drivers[index].handle(.addRemoteCandidate(candidate.sdpCandidate)) }
                await drivers[index].handle(.endOfRemoteCandidates)
            }
            for index in 0..<2 {
                #expect(await collectors[index].wait(timeout: .seconds(10)) { Self.isConnected($0) },
                        "side \(index): \(collectors[index].all)")
            }
            let pairs = await drivers[0].inspect { $0.agent.selectedPair }
            let otherPairs = await drivers[1].inspect { $0.agent.selectedPair }
            #expect(pairs??.local.kind == .relayed && pairs??.remote.kind == .relayed)
            #expect(otherPairs??.local.kind == .relayed && otherPairs??.remote.kind == .relayed)
            #expect(pairs??.local.address == offered[0].first?.address)
            #expect(pairs??.remote.address == offered[1].first?.address)

            await drivers[0].handle(.send(Array("hello from a".utf8)))
            await drivers[1].handle(.send(Array("hello from b".utf8)))
            #expect(await collectors[1].wait(timeout: .seconds(5)) {
                $0.contains(.received(Array("hello from a".utf8), from: offered[0][0].address))
            })
            #expect(await collectors[0].wait(timeout: .seconds(5)) {
                $0.contains(.received(Array("hello from b".utf8), from: offered[1][0].address))
            })

            // Close: each endpoint deletes its allocation (Refresh LIFETIME 0) and coturn confirms. Closed
            // within 2 s means confirmed: an unanswered deletion only gives up after the full transaction
            // timeout (about 40 s, RFC 8489 §6.2.1).
            for driver in drivers { await driver.handle(.close) }
            for (index, driver) in drivers.enumerated() {
                var closed = false
                for _ in 0..<200 where !closed {
                    closed = await driver.inspect { $0.relayStatuses.allSatisfy { $0.phase == .closed } } ?? false
                    if !closed { try await Task.sleep(for: .milliseconds(10)) }
                }
                let statuses = await driver.inspect { $0.relayStatuses }
                #expect(closed, "side \(index): \(String(describing: statuses))")
                let counters = await driver.inspect { $0.turnClients.map(\.counters) }
                #expect(counters?.allSatisfy { $0.badIntegrity == 0 && $0.malformed == 0 } == true)
                #expect(await driver.inspect { $0.turnClients.allSatisfy { $0.state == .closed } } == true)
                await driver.stop()
            }
        }
    }

    @Test("coturn as STUN server: the Binding response comes back, and a srflx equal to the host (loopback, no NAT) is dropped as redundant (RFC 8445 §5.1.3)")
    func serverReflexiveOnLoopback() async throws {
        try await CoturnServer.with { server in
            let recording = server.directory.appendingPathComponent("agent.pcapng").path
            let driver = try await UDPDriver.start(
                configuration: UDPDriverConfiguration(localAddresses: [Self.local], recordingPath: recording)
            ) { bound in
                ICEEndpoint(
                    configuration: ICEEndpointConfiguration(ice: ICEConfiguration(hostAddresses: bound, stunServers: [server.address])),
                    role: .controlling, generator: SeededGenerator(seed: 0x5_7F1A))
            }
            let host = driver.boundAddresses[0]
            let outputs = Collector(driver.outputs)
            let started = ContinuousClock.now
            await driver.handle(.startGathering)
            // A lost request would keep gathering open for the whole transaction (about 40 s); coturn
            // answers at once.
            #expect(await outputs.wait(timeout: .seconds(10)) { $0.contains(.gatheringStateChanged(.complete)) })
            #expect(ContinuousClock.now - started < .seconds(5))
            let localCandidates = await driver.inspect { $0.agent.localCandidates } ?? []
            #expect(localCandidates.map(\.kind) == [.host])
            #expect(localCandidates.first?.address == host)
            #expect(await driver.inspect { $0.agent.transactionCount } == 0)
            await driver.stop()

            // The recording shows coturn's Binding success, and its XOR-MAPPED-ADDRESS is the host itself.
            let (datagrams, _) = try CaptureReader(path: recording).udpDatagrams()
            let hostEndpoint = Endpoint(address: host.address.bytes, port: host.port)
            let responses = datagrams.filter { $0.destination == hostEndpoint }
                .compactMap { try? STUNMessage.parse(Array($0.payload)) }
                .filter { $0.type == .bindingSuccess }
            #expect(responses.count == 1)
            #expect(responses.first?.value(of: .xorMappedAddress) == .xorMappedAddress(host))
        }
    }
}
