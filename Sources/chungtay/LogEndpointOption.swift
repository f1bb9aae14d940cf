import ArgumentParser
import ChungTayOperatorPage
import Configuration

/// `--log-endpoint E|none` of the dispatcher: where the log bus binds, or no log bus;
/// `--log-endpoint-allow-remote` to bind a TCP address beyond loopback. Settings like any
/// other (`log.endpoint`, `log.endpoint.allow.remote`).
struct LogEndpointOption: ParsableArguments {
    @Option(name: .customLong("log-endpoint"), help: """
        Log bus endpoint to bind, for `chungtay logs`; `none` for no log bus; TCP on loopback only unless \
        --log-endpoint-allow-remote (CHUNGTAY_LOG_ENDPOINT; default tcp://127.0.0.1:5557).
        """)
    var endpoint: String?
    @Flag(name: .customLong("log-endpoint-allow-remote"), help: """
        Let --log-endpoint bind a non-loopback TCP address: the log bus has no authentication (CHUNGTAY_LOG_ENDPOINT_ALLOW_REMOTE).
        """)
    var allowRemote = false

    var flags: [SettingsReader.Flag] {
        [.init(Self.endpointKey, "--log-endpoint", endpoint), .init(Self.allowRemoteKey, "--log-endpoint-allow-remote", allowRemote ? true : nil)]
    }

    static let defaultEndpoint = "tcp://127.0.0.1:5557"

    /// The endpoint to bind; nil for `none`.
    static func read(from settings: SettingsReader) async throws(ValidationError) -> String? {
        let endpoint = try await settings.string(endpointKey) ?? defaultEndpoint
        if endpoint == "none" { return nil }
        let allowingRemote = try await settings.bool(allowRemoteKey) ?? false
        guard allowingRemote || isLocal(endpoint) else {
            throw ValidationError("""
                \(settings.source(of: endpointKey)): \(endpoint) is not a loopback address. The log bus has no \
                authentication and streams every process's log records to whoever connects; pass \
                --log-endpoint-allow-remote to bind it anyway (behind a firewall), or `none` for no log bus
                """)
        }
        return endpoint
    }

    /// `ipc://` and `inproc://`, or `tcp://` on a loopback host (the port may be `*`).
    static func isLocal(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
        guard endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":"), colon > endpoint.index(endpoint.startIndex, offsetBy: 5) else {
            return false
        }
        var host = endpoint[endpoint.index(endpoint.startIndex, offsetBy: 6)..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        return OperatorPageAddress.isLoopback(host: String(host))
    }

    private static let endpointKey: ConfigKey = "log.endpoint"
    private static let allowRemoteKey: ConfigKey = "log.endpoint.allow.remote"
}
