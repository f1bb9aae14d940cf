import ArgumentParser
import ChungTayOperatorPage
import Configuration

/// `--metrics HOST:PORT` of the dispatcher: where the operators' HTTP listener (`/metrics`,
/// the status page) binds, if anywhere; `--metrics-allow-remote` to bind beyond loopback.
/// Settings like any other (`metrics.address`, `metrics.allow.remote`).
struct MetricsOption: ParsableArguments {
    @Option(name: .customLong("metrics"), help: """
        Serve Prometheus text at /metrics and the status page at / on HOST:PORT, loopback only unless \
        --metrics-allow-remote (CHUNGTAY_METRICS_ADDRESS; default: no listener).
        """)
    var address: String?
    @Flag(name: .customLong("metrics-allow-remote"), help: """
        Let --metrics bind a non-loopback address: the page has no authentication; with --curve-secret it reads as an \
        operator, so it needs --insecure too (CHUNGTAY_METRICS_ALLOW_REMOTE).
        """)
    var allowRemote = false

    var flags: [SettingsReader.Flag] {
        [.init(Self.addressKey, "--metrics", address), .init(Self.allowRemoteKey, "--metrics-allow-remote", allowRemote ? true : nil)]
    }

    /// With CURVE (`curve`) the remote page is refused unless `insecure` too: the page has no
    /// authentication and reads the dispatcher with its own key, an operator's, so it would hand
    /// everything CURVE guards (every batch, result figure and log line) to whoever reaches it.
    static func read(from settings: SettingsReader, curve: Bool, insecure: Bool) async throws(ValidationError) -> OperatorPageAddress? {
        guard let text = try await settings.string(addressKey) else { return nil }
        let allowingRemote = try await settings.bool(allowRemoteKey) ?? false
        if allowingRemote, curve, !insecure {
            throw ValidationError("""
                \(settings.source(of: allowRemoteKey)) with --curve-secret: the status page and /metrics have no \
                authentication and read the dispatcher with its own operator key, so anyone reaching them would see \
                what CURVE keeps to operators (every worker, queue, batch and log line). Bind --metrics to loopback and \
                reach it through an SSH tunnel or an authenticating proxy, or add --insecure to serve it anyway
                """)
        }
        do throws(OperatorPageAddressError) {
            return try OperatorPageAddress(parsing: text, allowingRemote: allowingRemote)
        } catch {
            throw ValidationError("\(settings.source(of: addressKey)): \(error)")
        }
    }

    private static let addressKey: ConfigKey = "metrics.address"
    private static let allowRemoteKey: ConfigKey = "metrics.allow.remote"
}
