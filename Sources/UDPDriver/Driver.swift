public import NIOCore
import NIOPosix
public import SansIO
public import Wire

/// Runs one ``SansIO/DatagramMachine`` on real UDP sockets (DESIGN §1.1: the only IO is in drivers).
///
/// The driver binds one SwiftNIO datagram channel per configured local address, refusing any address
/// the allow-list does not hold or that none of the machine's interfaces has (``LocalInterfaces``); feeds each datagram that arrives to the machine as `.received(…)` at an
/// ``SansIO/Instant`` read from a monotonic clock whose origin is the driver's start; keeps one timer on
/// the machine's `nextDeadline`; sends each transmission from the channel bound to its source address;
/// binds and closes channels while it runs when the machine asks (``SansIO/SocketRequest``: an ICE
/// restart's new host bases), under the same allow-list, and hands the bound addresses back as an input;
/// and hands every other output to ``outputs``. Optionally every datagram in and out is recorded to a
/// pcapng file.
///
/// The machine lives on one event loop: every channel is bound on it, and every access (inputs, timer,
/// received datagrams) runs there, so the machine itself need not be `Sendable`. That confinement is
/// why the class can be `@unchecked Sendable`: its mutable state is touched only from `eventLoop`.
public final class UDPDriver<M: DatagramMachine & SendableMetatype>: @unchecked Sendable
where M.Input: Sendable, M.Output: Sendable {
    /// The loop the machine runs on.
    public let eventLoop: any EventLoop
    /// The addresses bound at start, in configuration order, with the ports the system chose for port 0.
    /// Written once on the loop before `start` returns, never after, so reading it anywhere is safe (the
    /// machine may bind and release others later: ``currentAddresses()``).
    public private(set) var boundAddresses: [TransportAddress] = []
    /// The machine's outputs other than transmissions, in order. Finishes when the driver stops.
    public let outputs: AsyncStream<M.Output>

    private let continuation: AsyncStream<M.Output>.Continuation
    private let remotePolicy: AddressPolicy
    private let localPolicy: AddressPolicy
    private let observer: (@Sendable (M.Output) -> Void)?
    /// `NIODeadline` uptime of the driver's start: instant zero.
    private let origin: UInt64
    // Touched only on `eventLoop`:
    private var slot: MachineSlot<M>?
    private var channels: [TransportAddress: any Channel] = [:]
    private var timer: Scheduled<Void>?
    private var timerDeadline: Instant?
    private var recorder: Recorder?
    private var counters = UDPDriverCounters()
    private var running = true

    private init(
        eventLoop: any EventLoop, localPolicy: AddressPolicy, remotePolicy: AddressPolicy,
        observer: (@Sendable (M.Output) -> Void)?
    ) {
        self.eventLoop = eventLoop
        self.observer = observer
        self.localPolicy = localPolicy
        self.remotePolicy = remotePolicy
        self.origin = NIODeadline.now().uptimeNanoseconds
        (outputs, continuation) = AsyncStream.makeStream(of: M.Output.self)
    }

    /// Binds the configured addresses, makes the machine from the bound addresses (so a machine that
    /// must know its own port can be given it), and starts running it.
    ///
    /// - Parameters:
    ///   - group: where to find the event loop; the process-wide NIO singleton by default.
    ///   - observer: when given, receives the outputs that are not datagrams on the loop, as the machine
    ///     emits them, instead of ``outputs`` (which then only finishes): an owner that must see a call's
    ///     events before ``perform(_:)`` returns uses it.
    public static func start(
        configuration: UDPDriverConfiguration,
        group: (any EventLoopGroup)? = nil,
        observer: (@Sendable (M.Output) -> Void)? = nil,
        makeMachine: ([TransportAddress]) -> M
    ) async throws(UDPDriverError) -> UDPDriver<M> {
        guard !configuration.localAddresses.isEmpty else { throw .noLocalAddresses }
        for address in configuration.localAddresses where !configuration.localPolicy.allows(address.address) {
            throw .addressNotAllowed(address)
        }
        try LocalInterfaces.check(configuration.localAddresses)
        let loop = (group ?? MultiThreadedEventLoopGroup.singleton).next()
        let driver = UDPDriver(
            eventLoop: loop, localPolicy: configuration.localPolicy, remotePolicy: configuration.remotePolicy, observer: observer)
        let recorder = try configuration.recordingPath.map { path throws(UDPDriverError) in try Recorder(path: path) }

        var bound: [(TransportAddress, any Channel)] = []
        for requested in configuration.localAddresses {
            do {
                let channel = try await driver.bind(requested)
                bound.append((try Self.transportAddress(channel.localAddress, requested: requested), channel))
            } catch {
                for (_, channel) in bound { try? await channel.close() }
                recorder?.close()
                throw .bindFailed(requested, "\(error)")
            }
        }
        let addresses = bound.map(\.0)
        // Outputs other than datagrams go to the observer, or to `outputs`; the slot holds no reference
        // to the driver.
        let observer = driver.observer
        let continuation = driver.continuation
        let slot = Transfer(MachineSlot(makeMachine(addresses)) { output, _ in
            if let observer { observer(output) } else { continuation.yield(output) }
        })
        let channels = Transfer(Dictionary(bound, uniquingKeysWith: { first, _ in first }))
        let transferredRecorder = Transfer(recorder)
        // Hand everything to the loop in one step; datagrams that came before it are dropped and counted.
        try? await loop.submit {
            driver.boundAddresses = addresses
            driver.channels = channels.value
            driver.recorder = transferredRecorder.value
            driver.slot = slot.value
            driver.rearmTimer()
        }.get()
        return driver
    }

    /// Delivers an input to the machine, on its loop, and returns once it and its outputs are handled.
    public func handle(_ input: M.Input) async {
        try? await eventLoop.submit { self.step { slot, now in slot.handle(input, at: now) } }.get()
    }

    /// Runs `body` on the machine, on its loop, at the driver's current instant (an application call
    /// into the machine), then handles its outputs and re-arms the timer. Nil once the driver stopped.
    public func perform<Result: Sendable>(_ body: @escaping @Sendable (inout M, Instant) -> Result) async -> Result? {
        try? await eventLoop.submit { () -> Result? in
            var result: Result?
            self.step { slot, now in result = slot.perform(as: M.self, at: now, body) }
            return result
        }.get() ?? nil
    }

    /// What was carried and dropped so far.
    public func counters() async -> UDPDriverCounters {
        (try? await eventLoop.submit { self.counters }.get()) ?? UDPDriverCounters()
    }

    /// The addresses with a bound channel now: those bound at start and at the machine's request since,
    /// less those it released.
    public func currentAddresses() async -> [TransportAddress] {
        (try? await eventLoop.submit { Array(self.channels.keys) }.get()) ?? []
    }

    /// Reads the machine on its loop.
    public func inspect<Result: Sendable>(_ body: @escaping @Sendable (M) -> Result) async -> Result? {
        try? await eventLoop.submit { self.slot.map { body($0.machine) } }.get() ?? nil
    }

    /// Stops the timer, closes every channel, finishes ``outputs`` and the recording. The machine gets
    /// no further input; a machine that should say goodbye (a TURN client's `.close`) is told before.
    public func stop() async {
        let channels = try? await eventLoop.submit { () -> [any Channel] in
            self.running = false
            self.timer?.cancel()
            self.timer = nil
            self.continuation.finish()
            self.recorder?.close()
            self.recorder = nil
            return Array(self.channels.values)
        }.get()
        for channel in channels ?? [] { try? await channel.close() }
    }

    // MARK: - On the loop

    /// The machine's clock: nanoseconds since the driver started, from the monotonic uptime clock.
    private func now() -> Instant {
        let uptime = NIODeadline.now().uptimeNanoseconds
        return Instant(nanoseconds: uptime > origin ? uptime - origin : 0)
    }

    /// Runs one step of the machine contract in the slot, in place: the input, then every output (datagrams
    /// sent here, the rest to the slot's observer), then the timer.
    private func step(_ body: (inout MachineSlot<M>, Instant) -> Void) {
        eventLoop.preconditionInEventLoop()
        guard running, slot != nil else { return }
        let now = self.now()
        body(&slot!, now)
        while let output = slot?.poll(at: now) {
            switch output {
            case .transmission(let datagram): send(datagram)
            case .sockets(.bind(let request, let addresses)): bind(request: request, addresses)
            case .sockets(.release(let addresses)): release(addresses)
            case .other: break
            }
        }
        rearmTimer()
    }

    private func received(_ datagram: Datagram) {
        guard running, slot != nil else {
            counters.droppedNotRunning += 1
            return
        }
        counters.received += 1
        recorder?.record(datagram)
        step { slot, now in slot.receive(datagram, at: now) }
    }

    private func send(_ datagram: Datagram) {
        guard remotePolicy.allows(datagram.destination.address) else {
            counters.droppedDestination += 1
            return
        }
        guard let channel = channels[datagram.source],
            let remote = try? SocketAddress(ipAddress: datagram.destination.address.description,
                                            port: Int(datagram.destination.port))
        else {
            counters.droppedNoChannel += 1
            return
        }
        counters.sent += 1
        recorder?.record(datagram)
        let envelope = AddressedEnvelope(remoteAddress: remote, data: channel.allocator.buffer(bytes: datagram.payload))
        channel.writeAndFlush(envelope).whenFailure { _ in self.counters.sendErrors += 1 }
    }

    /// Keeps exactly one timer, at the machine's next deadline.
    private func rearmTimer() {
        let deadline = running ? slot?.nextDeadline : nil
        guard deadline != timerDeadline else { return }
        timer?.cancel()
        timer = nil
        timerDeadline = deadline
        guard let deadline else { return }
        let (uptime, overflow) = origin.addingReportingOverflow(deadline.nanoseconds)
        timer = eventLoop.scheduleTask(deadline: .uptimeNanoseconds(overflow ? .max : uptime)) {
            self.timerDeadline = nil
            self.timer = nil
            self.step { slot, now in slot.timeout(at: now) }
        }
    }

    // MARK: - Sockets

    private func bind(_ address: TransportAddress) async throws -> any Channel {
        try await bindChannel(address).get()
    }

    private func bindChannel(_ address: TransportAddress) -> EventLoopFuture<any Channel> {
        let socketAddress: SocketAddress
        do {
            socketAddress = try SocketAddress(ipAddress: address.address.description, port: Int(address.port))
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        let local = address
        return DatagramBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(InboundHandler(driver: self, requested: local))
                }
            }
            .bind(to: socketAddress)
    }

    /// A machine's ``SansIO/SocketRequest/bind(request:addresses:)``, on the loop: each address the
    /// allow-list and the interfaces allow is bound; once every bind has finished, the new channels
    /// carry datagrams and the machine learns the addresses (nil for each that failed or was refused).
    private func bind(request: UInt64, _ requested: [TransportAddress]) {
        let futures = requested.map { address -> EventLoopFuture<any Channel> in
            guard localPolicy.allows(address.address), (try? LocalInterfaces.check([address])) != nil else {
                return eventLoop.makeFailedFuture(UDPDriverError.addressNotAllowed(address))
            }
            return bindChannel(address)
        }
        EventLoopFuture.whenAllComplete(futures, on: eventLoop).whenSuccess { results in
            var addresses: [TransportAddress?] = []
            for result in results {
                guard case .success(let channel) = result else {
                    self.counters.bindFailures += 1
                    addresses.append(nil)
                    continue
                }
                guard self.running, let address = Self.transportAddress(channel.localAddress) else {
                    channel.close(promise: nil)
                    addresses.append(nil)
                    continue
                }
                self.channels[address] = channel
                addresses.append(address)
            }
            self.step { slot, now in slot.socketsBound(request: request, addresses: addresses, at: now) }
        }
    }

    /// A machine's ``SansIO/SocketRequest/release(_:)``: the channels close; datagrams still sent from
    /// those addresses are dropped as having no channel.
    private func release(_ addresses: [TransportAddress]) {
        for address in addresses {
            channels.removeValue(forKey: address)?.close(promise: nil)
        }
    }

    /// A NIO socket address as a transport address; nil for anything but IPv4 and IPv6.
    static func transportAddress(_ socketAddress: SocketAddress?) -> TransportAddress? {
        guard let socketAddress, let text = socketAddress.ipAddress, let port = socketAddress.port,
            let address = IPAddress(text), let port16 = UInt16(exactly: port)
        else { return nil }
        return TransportAddress(address, port: port16)
    }

    private static func transportAddress(_ socketAddress: SocketAddress?, requested: TransportAddress) throws -> TransportAddress {
        guard let address = transportAddress(socketAddress) else {
            throw UDPDriverError.bindFailed(requested, "the bound address is not IPv4 or IPv6")
        }
        return address
    }

    /// Lifts each datagram off the channel and gives it to the driver, on the loop.
    private final class InboundHandler: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let driver: UDPDriver<M>
        /// Until the channel is active, the configured address (port may be 0).
        var local: TransportAddress

        init(driver: UDPDriver<M>, requested: TransportAddress) {
            self.driver = driver
            self.local = requested
        }

        func channelActive(context: ChannelHandlerContext) {
            if let bound = UDPDriver.transportAddress(context.channel.localAddress) { local = bound }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            guard let source = UDPDriver.transportAddress(envelope.remoteAddress) else { return }
            driver.received(Datagram(from: source, to: local, payload: Array(envelope.data.readableBytesView)))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // An ICMP port unreachable surfaces here as a read error; UDP goes on.
        }
    }
}

/// Moves a value that is not `Sendable` to the event loop once, where it then stays: ownership passes,
/// nothing is shared.
private struct Transfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
