// One call into each system library, so a missing package or a broken link fails here, by name,
// before any protocol test does. Scripts/bootstrap installs them.
import COpenSSL
import COpus
import CPcap
import CSRTP
import CVPX
import Testing

@Suite("System libraries link and answer")
struct LinkTests {
    @Test("OpenSSL 3 reports its version")
    func openSSL() {
        let version = String(cString: OpenSSL_version(numericCast(OPENSSL_VERSION)))
        #expect(version.hasPrefix("OpenSSL 3."), "got \(version)")
    }

    @Test("libsrtp2 reports its version")
    func srtp() {
        let version = String(cString: srtp_get_version_string())
        #expect(version.hasPrefix("libsrtp2 2."), "got \(version)")
    }

    @Test("libopus reports its version")
    func opus() {
        let version = String(cString: opus_get_version_string())
        #expect(version.hasPrefix("libopus 1."), "got \(version)")
    }

    @Test("libvpx reports its version")
    func vpx() {
        let version = String(cString: vpx_codec_version_str())
        #expect(version.hasPrefix("v1.") || version.hasPrefix("1."), "got \(version)")
    }

    @Test("libpcap reports its version")
    func pcap() {
        let version = String(cString: pcap_lib_version())
        #expect(version.hasPrefix("libpcap version 1."), "got \(version)")
    }
}
