import CrucibleTestSupport
import Synchronization
import Foundation
import Pcap
import SansIO
import Testing
import UDPDriver
import Wire

@Suite("UDP driver: SwiftNIO datagram channels on loopback")
struct DriverTests {
    static func echo(on address: TransportAddress, recording: String? = nil) async throws -> UDPDriver<EchoMachine> {
        try await UDPDriver.start(
            configuration: UDPDriverConfiguration(localAddresses: [address], recordingPath: recording)
        ) { _ in EchoMachine.pingPong() }
    }

    @Test("two echo machines exchange datagrams over loopback", arguments: ["127.0.0.1:0", "[::1]:0"])
    func echoExchange(local: String) async throws {
        let any = try #require(TransportAddress(local))
        let a = try await Self.echo(on: any)
        let b = try await Self.echo(on: any)
        let aAddress = try #require(a.boundAddresses.first)
        let bAddress = try #require(b.boundAddresses.first)
        #expect(aAddress.port != 0 && bAddress.port != 0)
        #expect(aAddress.address == any.address)
        let aOutputs = Collector(a.outputs)
        let bOutputs = Collector(b.outputs)

        await a.handle(.send(Array("ping 1".utf8), from: aAddress, to: bAddress))
        let answered = await aOutputs.wait { !$0.isEmpty }
        #expect(answered)
        #expect(bOutputs.all == [.got(Datagram(from: aAddress, to: bAddress, payload: Array("ping 1".utf8)))])
        #expect(aOutputs.all == [.got(Datagram(from: bAddress, to: aAddress, payload: Array("pong 1".utf8)))])
        #expect(await a.counters().sent == 1)
        #expect(await b.counters().received == 1)
        await a.stop()
        await b.stop()
    }

    @Test("the machine's timers fire at their deadlines on the monotonic clock, earliest first")
    func timers() async throws {
        let driver = try await UDPDriver.start(
            configuration: UDPDriverConfiguration(localAddresses: [TransportAddress(.loopbackV4, port: 0)])
        ) { _ in TimerMachine() }
        let outputs = Collector(driver.outputs)
        await driver.handle(.arm("late", after: .milliseconds(120)))
        await driver.handle(.arm("early", after: .milliseconds(40)))
        #expect(await outputs.wait { $0.count == 2 })
        let fired = outputs.all
        #expect(fired.map { if case .fired(let name, _, _) = $0 { name } else { "" } } == ["early", "late"])
        for case .fired(_, let deadline, let at) in fired {
            #expect(at >= deadline)
            #expect(at - deadline < .seconds(1))
        }
        await driver.stop()
    }

    @Test("a recording holds every datagram in and out, readable by Pcap.CaptureReader")
    func recording() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("udpdriver-\(UUID().uuidString).pcapng").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let a = try await Self.echo(on: TransportAddress(.loopbackV4, port: 0), recording: path)
        let b = try await Self.echo(on: TransportAddress(.loopbackV4, port: 0))
        let aAddress = try #require(a.boundAddresses.first)
        let bAddress = try #require(b.boundAddresses.first)
        let aOutputs = Collector(a.outputs)
        for index in 1...3 {
            await a.handle(.send(Array("ping \(index)".utf8), from: aAddress, to: bAddress))
        }
        #expect(await aOutputs.wait { $0.count == 3 })
        await a.stop()
        await b.stop()

        let (datagrams, skipped) = try CaptureReader(path: path).udpDatagrams()
        #expect(skipped == 0)
        let aEndpoint = Endpoint(address: aAddress.address.bytes, port: aAddress.port)
        let bEndpoint = Endpoint(address: bAddress.address.bytes, port: bAddress.port)
        let out = datagrams.filter { $0.source == aEndpoint && $0.destination == bEndpoint }
        let back = datagrams.filter { $0.source == bEndpoint && $0.destination == aEndpoint }
        #expect(datagrams.count == 6)
        #expect(out.map { String(decoding: $0.payload, as: UTF8.self) } == ["ping 1", "ping 2", "ping 3"])
        #expect(Set(back.map { String(decoding: $0.payload, as: UTF8.self) }) == ["pong 1", "pong 2", "pong 3"])
        let times = datagrams.map(\.timestampNanoseconds)
        #expect(times == times.sorted())
    }

    @Test("binding an address off the allow-list is refused before anything is bound", arguments: [
        ("192.0.2.1:0", AddressPolicy.loopbackOnly),
        ("[2001:db8::1]:0", .loopbackOnly),
        ("127.0.0.1:0", .only([IPAddress.loopbackV6])),
    ])
    func refusesAddress(local: String, policy: AddressPolicy) async throws {
        let address = try #require(TransportAddress(local))
        await #expect(throws: UDPDriverError.addressNotAllowed(address)) {
            _ = try await UDPDriver.start(
                configuration: UDPDriverConfiguration(localAddresses: [address], localPolicy: policy)
            ) { _ in EchoMachine.pingPong() }
        }
    }

    @Test("a configuration without addresses is refused")
    func noAddresses() async {
        await #expect(throws: UDPDriverError.noLocalAddresses) {
            _ = try await UDPDriver.start(configuration: UDPDriverConfiguration(localAddresses: [])) { _ in EchoMachine.pingPong() }
        }
    }

    @Test("transmissions to a destination off the allow-list, or from an unbound source, are dropped and counted")
    func dropsTransmissions() async throws {
        let driver = try await Self.echo(on: TransportAddress(.loopbackV4, port: 0))
        let local = try #require(driver.boundAddresses.first)
        await driver.handle(.send([1], from: local, to: try #require(TransportAddress("192.0.2.7:9"))))
        await driver.handle(.send([2], from: TransportAddress(.loopbackV4, port: 1), to: local))
        let counters = await driver.counters()
        #expect(counters.droppedDestination == 1)
        #expect(counters.droppedNoChannel == 1)
        #expect(counters.sent == 0)
        await driver.stop()
    }

    @Test("sockets a machine asks for while it runs are bound under the allow-list, carry datagrams, and close when released")
    func socketsAtRunTime() async throws {
        let driver = try await UDPDriver.start(
            configuration: UDPDriverConfiguration(localAddresses: [TransportAddress(.loopbackV4, port: 0)])
        ) { _ in SocketMachine() }
        let peer = try await Self.echo(on: TransportAddress(.loopbackV4, port: 0))
        let peerAddress = try #require(peer.boundAddresses.first)
        let outputs = Collector(driver.outputs)
        // 192.0.2.7 is off the default allow-list (loopback only): refused, answered nil, counted.
        let offList = try #require(TransportAddress("192.0.2.7:0"))
        await driver.handle(.bind([TransportAddress(.loopbackV4, port: 0), offList, TransportAddress(.loopbackV6, port: 0)]))
        #expect(await outputs.wait { $0.contains { if case .bound = $0 { true } else { false } } })
        guard case .bound(let request, let addresses)? = outputs.all.first(where: { if case .bound = $0 { true } else { false } }) else {
            Issue.record("no answer to the bind")
            return
        }
        #expect(request == 1)
        #expect(addresses.count == 3 && addresses[1] == nil)
        let v4 = try #require(addresses[0])
        let v6 = try #require(addresses[2])
        #expect(v4.address == .loopbackV4 && v4.port != 0 && v6.address == .loopbackV6 && v6.port != 0)
        #expect(await driver.counters().bindFailures == 1)
        #expect(Set(await driver.currentAddresses()) == Set(driver.boundAddresses + [v4, v6]))

        // The new socket sends and receives like one bound at start.
        await driver.handle(.send(Array("ping new".utf8), from: v4, to: peerAddress))
        #expect(await outputs.wait { $0.contains(.got(Datagram(from: peerAddress, to: v4, payload: Array("pong new".utf8)))) })

        await driver.handle(.release([v4, v6]))
        #expect(Set(await driver.currentAddresses()) == Set(driver.boundAddresses))
        await driver.handle(.send(Array("ping gone".utf8), from: v4, to: peerAddress))
        #expect(await driver.counters().droppedNoChannel == 1)
        await driver.stop()
        await peer.stop()
    }

    @Test("the machine is made from the bound addresses, ports filled in")
    func machineSeesBoundAddresses() async throws {
        let seen = Mutex<[TransportAddress]>([])
        let driver = try await UDPDriver.start(
            configuration: UDPDriverConfiguration(localAddresses: [
                TransportAddress(.loopbackV4, port: 0), TransportAddress(.loopbackV6, port: 0),
            ])
        ) { addresses in
            seen.withLock { $0 = addresses }
            return EchoMachine.pingPong()
        }
        #expect(seen.withLock { $0 } == driver.boundAddresses)
        #expect(driver.boundAddresses.count == 2)
        #expect(driver.boundAddresses.allSatisfy { $0.port != 0 && $0.address.isLoopback })
        await driver.stop()
    }
}
