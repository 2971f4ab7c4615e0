import Pcap
import Testing

/// `Endpoint` holds its address inline; these pin that it still reads, prints and orders as the bytes do.
@Suite("Endpoints")
struct EndpointTests {
    static let addresses: [[UInt8]] = [
        [127, 0, 0, 1], [10, 1, 1, 1], [255, 255, 255, 255], [0, 0, 0, 0],
        [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        [0xfe, 0x80] + Array(repeating: 0, count: 13) + [0x42],
        [127, 0, 0, 1] + Array(repeating: 0, count: 12),  // an IPv6 address starting with an IPv4 one's bytes
        [127, 0, 0, 1, 1] + Array(repeating: 0, count: 11),
        Array(repeating: 0, count: 16),
    ]

    @Test("The address comes back as the bytes it was made from", arguments: addresses)
    func addressRoundTrip(_ bytes: [UInt8]) {
        let endpoint = Endpoint(address: bytes, port: 5000)
        #expect(endpoint.address == bytes)
        #expect(endpoint.isIPv6 == (bytes.count == 16))
    }

    @Test("Descriptions: dotted quad for IPv4, eight bracketed groups for IPv6")
    func descriptions() {
        #expect(Endpoint(address: [192, 168, 1, 20], port: 3478).description == "192.168.1.20:3478")
        #expect(Endpoint(ipv4: 0x7F00_0001, port: 9).description == "127.0.0.1:9")
        #expect(
            Endpoint(address: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0, 0x01], port: 443).description
                == "[2001:db8:0:0:0:0:abcd:1]:443")
    }

    @Test("Odd address lengths are read as IPv4, zero-padded, never trapped on")
    func oddLengths() {
        #expect(Endpoint(address: [10, 2], port: 1).address == [10, 2, 0, 0])
        #expect(Endpoint(address: [], port: 1).address == [0, 0, 0, 0])
        #expect(Endpoint(address: Array(1...6), port: 1).address == [1, 2, 3, 4])
    }

    /// The demultiplexer keys a flow by its endpoints in this order, so `a` and `b` depend on it.
    @Test("precedes is the lexicographic order of the address bytes, then the port")
    func order() {
        let endpoints = Self.addresses.flatMap { address in [1, 5000, 65535].map { Endpoint(address: address, port: UInt16($0)) } }
        for one in endpoints {
            for other in endpoints {
                let byBytes = one.address.lexicographicallyPrecedes(other.address) || (one.address == other.address && one.port <= other.port)
                #expect(one.precedes(other) == byBytes, "\(one) vs \(other)")
            }
        }
    }
}
