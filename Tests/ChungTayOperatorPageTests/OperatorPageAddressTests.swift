import ChungTayOperatorPage
import Testing

@Suite struct OperatorPageAddressTests {
    @Test func loopbackAddressesAreAccepted() throws {
        for (text, host, port) in [("127.0.0.1:9464", "127.0.0.1", 9464), ("localhost:0", "localhost", 0), ("[::1]:80", "::1", 80),
                                   ("127.1.2.3:65535", "127.1.2.3", 65535)] {
            let address = try OperatorPageAddress(parsing: text, allowingRemote: false)
            #expect(address.host == host && address.port == port, "\(text)")
            #expect(address.description == text)
        }
    }

    @Test func otherAddressesNeedTheOperatorsConsent() throws {
        for text in ["0.0.0.0:9464", "192.168.1.5:80", "[::]:9464", "example.org:80", "127.0.0.1.nip.io:80"] {
            let error = #expect(throws: OperatorPageAddressError.self) { try OperatorPageAddress(parsing: text, allowingRemote: false) }
            #expect(error?.description.contains("--metrics-allow-remote") == true, "\(text)")
            #expect(try OperatorPageAddress(parsing: text, allowingRemote: true).isLoopback == false)
        }
    }

    @Test func malformedAddressesAreRefused() {
        for text in ["9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", ":9464", "127.0.0.1:http"] {
            #expect(throws: OperatorPageAddressError.self, "\(text)") { try OperatorPageAddress(parsing: text, allowingRemote: true) }
        }
    }
}
