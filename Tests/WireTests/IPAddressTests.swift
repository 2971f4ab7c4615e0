import Testing
import Wire

@Suite("IP and transport addresses")
struct IPAddressTests {
    @Test("textual addresses parse to their value and print in RFC 5952 form", arguments: [
        ("127.0.0.1", "127.0.0.1"),
        ("0.0.0.0", "0.0.0.0"),
        ("255.255.255.255", "255.255.255.255"),
        ("::1", "::1"),
        ("::", "::"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("fe80::", "fe80::"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("1::8", "1::8"),
        ("1:0:0:4:0:0:0:8", "1:0:0:4::8"),
        ("::ffff:192.0.2.1", "::ffff:c000:201"),
    ])
    func parsesAndPrints(text: String, printed: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == printed)
        #expect(IPAddress(printed) == address)
        #expect(IPAddress(bytes: address.bytes) == address)
    }

    @Test("malformed address text is rejected, never trapped on", arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "a.b.c.d", ":::", "1:::2", "1::2::3",
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "::1%eth0", "[::1]", "1:2:3:4:5:6:7::8",
        "1.2.3.4::", ":1::", "1::2:",
    ])
    func rejectsMalformed(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("transport addresses print and parse with brackets around IPv6")
    func transportAddresses() throws {
        let v4 = try #require(TransportAddress("192.0.2.1:3478"))
        #expect(v4.address == .v4(0xC000_0201) && v4.port == 3478)
        #expect(v4.description == "192.0.2.1:3478")
        let v6 = try #require(TransportAddress("[::1]:5000"))
        #expect(v6.address == .loopbackV6 && v6.port == 5000 && v6.description == "[::1]:5000")
        for bad in ["::1:5000", "192.0.2.1", "192.0.2.1:", "192.0.2.1:65536", "[::1]5000", "[1.2.3.4]:1", "x:1"] {
            #expect(TransportAddress(bad) == nil, "\(bad)")
        }
    }

    @Test("loopback is 127/8 and ::1")
    func loopback() {
        #expect(IPAddress.loopbackV4.isLoopback && IPAddress("127.9.8.7")!.isLoopback && IPAddress.loopbackV6.isLoopback)
        #expect(!IPAddress("10.0.0.1")!.isLoopback && !IPAddress("::2")!.isLoopback)
    }
}
