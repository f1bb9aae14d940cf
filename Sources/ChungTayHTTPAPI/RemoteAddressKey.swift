import Foundation
public import NIOCore

/// What the per-address limits (the rate limit and long-poll share of an unauthenticated
/// caller, connections per address) count by: an IPv4 address, or an IPv6 address's /64.
/// One host commonly holds a whole /64 and can pick a new address in it for every request,
/// so counting whole IPv6 addresses would give it a fresh limit each time (and let it push
/// everyone else out of the rate limiter's table).
public enum RemoteAddressKey {
    /// `a.b.c.d`, `xxxx:xxxx:xxxx:xxxx::/64` (an IPv4-mapped IPv6 address counts as its IPv4
    /// one), or `unknown` for a channel without an address (a closed one).
    public static func of(_ address: SocketAddress?) -> String {
        guard case .v6(let v6) = address else { return address?.ipAddress ?? "unknown" }
        let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(format: "%02x%02x", bytes[$0], bytes[$0 + 1]) }
        return groups.joined(separator: ":") + "::/64"
    }
}
