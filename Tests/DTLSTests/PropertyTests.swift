import Hashing
import DTLS
import SDP
import PropertyBased
import Testing

@Suite("DTLS fingerprint and role properties")
struct DTLSPropertyTests {
    static let fingerprints = Generator(run: { rng in CertificateFingerprint.random(using: &rng) })
    static let setups = Generator(run: { rng in (DTLSSetup.random(using: &rng), DTLSSetup.random(using: &rng)) })

    @Test("every fingerprint's SDP text parses back to the same fingerprint, in upper-case hex")
    func roundTrip() async {
        await propertyCheck(count: 300, input: Self.fingerprints) { fingerprint throws in
            let text = fingerprint.sdpValue
            #expect(try CertificateFingerprint(sdpValue: text) == fingerprint)
            #expect(text == text.uppercased().replacingOccurrences(of: "SHA-", with: "sha-").replacingOccurrences(of: "MD5", with: "md5"))
        }
    }

    @Test("when both a=setup values give roles, they are opposite: one client, one server")
    func rolesAreOpposite() async {
        await propertyCheck(count: 100, input: Self.setups) { pair in
            let (local, remote) = pair
            let mine = DTLSRole(local: local, remote: remote)
            let theirs = DTLSRole(local: remote, remote: local)
            #expect((mine == nil) == (theirs == nil))
            if let mine, let theirs { #expect(mine != theirs) }
        }
    }
}
