@testable import ChungTayHTTPAPI
import NIOCore
import Testing

/// What per-address limits count by: an IPv4 address, an IPv6 address's /64.
@Suite struct RemoteAddressKeyTests {
    @Test func ipv6AddressesCountByTheirSlash64() throws {
        let first = try SocketAddress(ipAddress: "2001:db8:1:2:aaaa::1", port: 1)
        let second = try SocketAddress(ipAddress: "2001:db8:1:2:ffff:1:2:3", port: 2)
        let other = try SocketAddress(ipAddress: "2001:db8:1:3::1", port: 1)
        #expect(RemoteAddressKey.of(first) == "2001:0db8:0001:0002::/64")
        #expect(RemoteAddressKey.of(second) == RemoteAddressKey.of(first))
        #expect(RemoteAddressKey.of(other) != RemoteAddressKey.of(first))
    }

    @Test func ipv4AndMappedIPv4AreTheAddress() throws {
        #expect(RemoteAddressKey.of(try SocketAddress(ipAddress: "192.0.2.7", port: 80)) == "192.0.2.7")
        #expect(RemoteAddressKey.of(try SocketAddress(ipAddress: "::ffff:192.0.2.7", port: 80)) == "192.0.2.7")
        #expect(RemoteAddressKey.of(nil) == "unknown")
    }
}

/// Connections per address: at most the limit open, a closed one frees its place.
@Suite struct ConnectionsPerAddressTests {
    @Test func anAddressHoldsAtMostTheLimit() {
        let connections = ConnectionsPerAddress(limit: 2)
        #expect(connections.admit("a") && connections.admit("a"))
        #expect(!connections.admit("a"))
        #expect(connections.admit("b"))
        connections.release("a")
        #expect(connections.admit("a"))
        #expect(!connections.admit("a"))
    }
}
