import Benchmark
import STUN
import Wire

/// RFC 5769 §2.1: the sample request (short-term credential, SOFTWARE, PRIORITY, ICE-CONTROLLED,
/// USERNAME, MESSAGE-INTEGRITY, FINGERPRINT). The figure libre and Pion publish is for this message.
let rfc5769Request = try! Hex.decode("""
    000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74
    002400046e0001ff80290008932ff9b151263b36000600096576746a3a6836765920202000080014
    9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf
    """)

func codecBenchmarks() {
    let key = try! STUNCredentials.shortTermKey(password: "VOkJxbRl1RmTxUk/WvJxBt")
    let message = try! STUNCodec.parse(rfc5769Request)

    Benchmark("STUN parse (RFC 5769 §2.1, fingerprint checked)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! STUNCodec.parse(rfc5769Request)) }
    }

    Benchmark("STUN parse without fingerprint check") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! STUNMessage.parse(rfc5769Request, checkFingerprint: false)) }
    }

    Benchmark("STUN parse + MESSAGE-INTEGRITY + FINGERPRINT verify") { benchmark in
        for _ in benchmark.scaledIterations {
            let parsed = try! STUNCodec.parse(rfc5769Request)
            blackHole(parsed.verifyMessageIntegrity(key: key) == .valid && parsed.verifyFingerprint() == .valid)
        }
    }

    Benchmark("STUN serialize") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(STUNCodec.serialize(message)) }
    }

    sdpBenchmarks()
    mediaBenchmarks()
}
