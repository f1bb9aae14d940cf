/// Where the operators' HTTP listener binds (`--metrics HOST:PORT`).
///
/// Loopback unless the operator says otherwise: the page and `/metrics` have no
/// authentication, and they show every worker, queue, batch and log line.
public struct OperatorPageAddress: Equatable, Sendable, CustomStringConvertible {
    public var host: String
    /// 0 asks the system for a free port (tests); the bound one is reported when listening.
    public var port: Int

    /// An address already checked (a bound one, to print).
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `HOST:PORT`, an IPv6 host in brackets (`[::1]:9464`).
    ///
    /// - Throws: a message for the operator when the text is not `HOST:PORT`, or the host is
    ///   not a loopback address and `allowingRemote` is false.
    public init(parsing text: String, allowingRemote: Bool) throws(OperatorPageAddressError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw OperatorPageAddressError("\(text): expected HOST:PORT with a port from 0 to 65535")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw OperatorPageAddressError("\(text): the host is missing (e.g. 127.0.0.1:9464)") }
        self.host = host
        self.port = port
        guard allowingRemote || isLoopback else {
            throw OperatorPageAddressError("""
                \(text): \(host) is not a loopback address. The status page and /metrics have no \
                authentication and show every worker, queue, batch and log line to whoever reaches them; \
                pass --metrics-allow-remote to bind it anyway (behind a firewall or an authenticating proxy)
                """)
        }
    }

    /// `127.0.0.0/8`, `::1` and `localhost`: addresses no other machine can reach.
    public var isLoopback: Bool { Self.isLoopback(host: host) }

    /// Whether `host` (an IPv6 one without brackets) is `127.0.0.0/8`, `::1` or `localhost`.
    public static func isLoopback(host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

public struct OperatorPageAddressError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) { self.description = description }
}
