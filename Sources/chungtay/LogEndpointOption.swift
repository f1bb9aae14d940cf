import ArgumentParser
import ChungTayOperatorPage
import Configuration

/// `--log-endpoint E|none` of the dispatcher: where the log bus binds, or no log bus
/// (setting `log.endpoint`). Like the other endpoints, a TCP address beyond loopback
/// needs CURVE or `--insecure` (``DispatcherSettings``).
struct LogEndpointOption: ParsableArguments {
    @Option(name: .customLong("log-endpoint"), help: """
        Log bus endpoint to bind, for `chungtay logs`; `none` for no log bus; TCP beyond loopback only with \
        --curve-secret or --insecure (CHUNGTAY_LOG_ENDPOINT; default tcp://127.0.0.1:5557).
        """)
    var endpoint: String?

    var flags: [SettingsReader.Flag] {
        [.init(Self.endpointKey, "--log-endpoint", endpoint)]
    }

    static let defaultEndpoint = "tcp://127.0.0.1:5557"

    /// The endpoint to bind; nil for `none`.
    static func read(from settings: SettingsReader) async throws(ValidationError) -> String? {
        let endpoint = try await settings.string(endpointKey) ?? defaultEndpoint
        return endpoint == "none" ? nil : endpoint
    }

    /// `ipc://` and `inproc://`, or `tcp://` on a loopback host (the port may be `*`):
    /// endpoints no other machine can reach, nor, for `ipc://`, another user (its socket file
    /// is owner-only). An abstract `ipc://@name` has no file and so no permissions: every
    /// local user may connect, as to a loopback port, and it counts as not local.
    static func isLocal(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://@") { return false }
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
        guard endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":"), colon > endpoint.index(endpoint.startIndex, offsetBy: 5) else {
            return false
        }
        var host = endpoint[endpoint.index(endpoint.startIndex, offsetBy: 6)..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        return OperatorPageAddress.isLoopback(host: String(host))
    }

    static let endpointKey: ConfigKey = "log.endpoint"
}
