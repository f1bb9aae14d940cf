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
        Let --metrics bind a non-loopback address: the page has no authentication (CHUNGTAY_METRICS_ALLOW_REMOTE).
        """)
    var allowRemote = false

    var flags: [SettingsReader.Flag] {
        [.init(Self.addressKey, "--metrics", address), .init(Self.allowRemoteKey, "--metrics-allow-remote", allowRemote ? true : nil)]
    }

    static func read(from settings: SettingsReader) async throws(ValidationError) -> OperatorPageAddress? {
        guard let text = try await settings.string(addressKey) else { return nil }
        let allowingRemote = try await settings.bool(allowRemoteKey) ?? false
        do throws(OperatorPageAddressError) {
            return try OperatorPageAddress(parsing: text, allowingRemote: allowingRemote)
        } catch {
            throw ValidationError("\(settings.source(of: addressKey)): \(error)")
        }
    }

    private static let addressKey: ConfigKey = "metrics.address"
    private static let allowRemoteKey: ConfigKey = "metrics.allow.remote"
}
