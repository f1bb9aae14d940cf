import ArgumentParser
import ChungTayAccess
import ChungTayDelivery
import ChungTayDispatcher
import ChungTayOperatorPage
import Configuration
import Foundation
import Logging
import ZeroMQ

/// The dispatcher's settings, read like every command's (`SettingsReader`): a flag wins,
/// then `CHUNGTAY_*` environment variables, then the `--config` JSON file, then the default.
struct DispatcherSettings: ParsableArguments {
    @Option(help: "Data directory: journal and JSON stores (CHUNGTAY_DATA_DIR; default ./var/chungtay).") var dataDir: String?
    @Option(help: "Client endpoint to bind (CHUNGTAY_CLIENT_ENDPOINT; default tcp://127.0.0.1:5555).") var clientEndpoint: String?
    @Option(help: "Worker endpoint to bind (CHUNGTAY_WORKER_ENDPOINT; default tcp://127.0.0.1:5556).") var workerEndpoint: String?
    @Option(help: "Heartbeat interval in ms (CHUNGTAY_HEARTBEAT_INTERVAL_MS; default 1000).") var heartbeatIntervalMs: Int?
    @Option(help: "Missed heartbeats before a worker is dead (CHUNGTAY_HEARTBEAT_LIVENESS; default 3).") var heartbeatLiveness: Int?
    @Option(help: "Attempts before a task is dead-lettered (CHUNGTAY_MAX_ATTEMPTS; default 5).") var maxAttempts: Int?
    @Option(help: "First retry delay in ms (CHUNGTAY_RETRY_BASE_MS; default 500).") var retryBaseMs: Int?
    @Option(help: "Largest message in bytes (CHUNGTAY_MAX_MESSAGE_BYTES; default 16 MiB).") var maxMessageBytes: Int?
    @Option(help: "Most frames in one message, checked while it is received (CHUNGTAY_MAX_MESSAGE_FRAMES; default 65536).")
    var maxMessageFrames: Int?
    @Option(help: "Payload bytes one worker may hold at once; it always gets at least one task (CHUNGTAY_WORKER_WINDOW_BYTES; default 16 MiB).")
    var workerWindowBytes: Int?
    @Option(help: """
        Seconds a worker may hold one task; then the attempt fails with task_timeout and the task runs again elsewhere \
        (CHUNGTAY_TASK_TIMEOUT; default 1800: a 1000-household chunk takes well under a second, so only a hung handler gets near it).
        """)
    var taskTimeout: Double?
    @Option(help: "Seconds a graceful shutdown waits for in-flight tasks (CHUNGTAY_DRAIN_TIMEOUT_S; default 10).") var drainTimeoutS: Double?
    @Option(help: """
        The dispatcher's CURVE secret key file (`chungtay keys generate`): the client, worker and log endpoints become \
        CURVE servers and admit only the keys in --allow (CHUNGTAY_CURVE_SECRET).
        """)
    var curveSecret: String?
    @Option(help: """
        Allow directory with --curve-secret: clients/, workers/ and operators/ hold the admitted public keys (NAME.key); \
        SIGHUP reloads it (CHUNGTAY_ALLOW).
        """)
    var allow: String?
    @Flag(help: """
        Without --curve-secret, bind TCP endpoints beyond loopback (or abstract ipc://@ sockets) anyway: anyone who reaches \
        them may submit, read every result and log, and serve as a worker; with it, let --metrics-allow-remote serve the \
        unauthenticated status page, which reads as an operator; and serve the HTTP API beyond loopback without TLS or \
        identities (CHUNGTAY_INSECURE).
        """)
    var insecure = false
    @OptionGroup var logEndpoint: LogEndpointOption
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var metrics: MetricsOption
    @OptionGroup var http: HTTPOption
    @OptionGroup var notifyFeed: NotifyFeedOption
    @OptionGroup var sms: SMSGatewayOptions
    @OptionGroup var settings: SettingsOptions

    func validate() throws {
        _ = try resolve()
    }

    /// With CURVE: the dispatcher's key pair and the allow directory (loaded once here, so a
    /// broken one stops the start; the dispatcher loads it again with its logger).
    struct Curve {
        var keyPair: CurveKeyPair
        var allowDirectory: String
    }

    func resolve() throws -> (
        configuration: DispatcherConfiguration, curve: Curve?, logging: LoggingOptions.Resolved, metrics: OperatorPageAddress?,
        delivery: Delivery, http: (listener: HTTPOption.Listener?, notice: String?)
    ) {
        try SettingsReader.resolve(settings, flags: [
            .init("data.dir", "--data-dir", dataDir),
            .init("client.endpoint", "--client-endpoint", clientEndpoint),
            .init("worker.endpoint", "--worker-endpoint", workerEndpoint),
            .init("heartbeat.interval.ms", "--heartbeat-interval-ms", heartbeatIntervalMs),
            .init("heartbeat.liveness", "--heartbeat-liveness", heartbeatLiveness),
            .init("max.attempts", "--max-attempts", maxAttempts),
            .init("retry.base.ms", "--retry-base-ms", retryBaseMs),
            .init("max.message.bytes", "--max-message-bytes", maxMessageBytes),
            .init("max.message.frames", "--max-message-frames", maxMessageFrames),
            .init("worker.window.bytes", "--worker-window-bytes", workerWindowBytes),
            .init("task.timeout", "--task-timeout", taskTimeout),
            .init("drain.timeout.s", "--drain-timeout-s", drainTimeoutS),
            .init("curve.secret", "--curve-secret", curveSecret),
            .init("allow", "--allow", allow),
            .init("insecure", "--insecure", insecure ? true : nil),
        ] + logEndpoint.flags + logging.flags + metrics.flags + http.flags + notifyFeed.flags + sms.flags) { settings in
            /// A count that must be at least 1, or nil when no source sets it.
            func count(_ key: ConfigKey) async throws(ValidationError) -> Int? {
                let value = try await settings.int(key)
                try settings.require(value.map { $0 >= 1 } ?? true, key, "must be at least 1")
                return value
            }
            let defaults = DispatcherConfiguration()
            var configuration = defaults
            configuration.dataDirectory = URL(fileURLWithPath: try await settings.string("data.dir") ?? defaults.dataDirectory.path)
            configuration.clientEndpoint = try await settings.string("client.endpoint") ?? defaults.clientEndpoint
            configuration.workerEndpoint = try await settings.string("worker.endpoint") ?? defaults.workerEndpoint
            configuration.logEndpoint = try await LogEndpointOption.read(from: settings)
            if let value = try await count("heartbeat.interval.ms") { configuration.heartbeatInterval = .milliseconds(value) }
            if let value = try await count("heartbeat.liveness") { configuration.heartbeatLiveness = value }
            if let value = try await count("max.attempts") { configuration.maxAttempts = value }
            if let value = try await settings.int("retry.base.ms") { configuration.retryBaseDelay = .milliseconds(value) }
            if let value = try await count("max.message.bytes") { configuration.maxMessageSize = value }
            if let value = try await count("worker.window.bytes") { configuration.workerWindowBytes = value }
            if let value = try await count("max.message.frames") { configuration.maxMessageFrames = value }
            if let value = try await settings.seconds("task.timeout", in: 0.001...604_800, "must be 0.001 to 604800 seconds") {
                configuration.taskTimeout = value
            }
            if let value = try await settings.seconds("drain.timeout.s", in: 0...86_400, "must be 0 to 86400 seconds") {
                configuration.drainTimeout = value
            }
            do throws(ConfigurationError) {
                try configuration.validate()
            } catch {
                throw ValidationError(error.message)
            }
            let curve = try await Self.readCurve(from: settings)
            let insecure = try await settings.bool("insecure") == true
            let delivery = Delivery(
                notifyFeed: try await settings.string(NotifyFeedOption.endpointKey),
                sms: try await SMSGatewayOptions.read(from: settings, insecure: insecure))
            let endpoints = Self.endpoints(of: configuration, delivery)
            try Self.requireNumericHosts(endpoints, settings: settings)
            if curve == nil, !insecure {
                try Self.requireLoopback(endpoints, settings: settings)
            }
            let metrics = try await MetricsOption.read(from: settings, curve: curve != nil, insecure: insecure)
            let http = try await HTTPOption.read(from: settings, metrics: metrics, curve: curve != nil, insecure: insecure)
            return (configuration, curve, try await LoggingOptions.read(from: settings), metrics, delivery, http)
        }
    }

    private static func readCurve(from settings: SettingsReader) async throws(ValidationError) -> Curve? {
        let secret = try await settings.string("curve.secret")
        let allow = try await settings.string("allow")
        guard let secret else {
            try settings.require(allow == nil, "allow", "needs --curve-secret (the allow directory names who may connect with CURVE)")
            return nil
        }
        guard let allow else {
            throw ValidationError("\(settings.source(of: "curve.secret")) needs --allow DIR: the directory of the admitted public keys")
        }
        do throws(KeyFileError) {
            let keyPair = try CurveKeyFile.readKeyPair(secretPath: secret)
            _ = try AllowList.load(directory: allow, serverPublicKey: keyPair.publicKey)
            return Curve(keyPair: keyPair, allowDirectory: allow)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The notifications' channels the dispatcher's process runs beside it.
    struct Delivery {
        /// Where the notification feed binds; nil: no feed.
        var notifyFeed: String?
        /// Nil: no SMS is sent (borrowers' SMS stay pending).
        var sms: SMSGatewayConfiguration?
    }

    private static func endpoints(of configuration: DispatcherConfiguration, _ delivery: Delivery) -> [(ConfigKey, String?)] {
        [
            ("client.endpoint", configuration.clientEndpoint), ("worker.endpoint", configuration.workerEndpoint),
            (LogEndpointOption.endpointKey, configuration.logEndpoint), (NotifyFeedOption.endpointKey, delivery.notifyFeed),
        ]
    }

    /// libzmq's bind reads `localhost` as an interface name and fails with "No such device":
    /// said here, with the fix, rather than as that error after the start.
    private static func requireNumericHosts(_ endpoints: [(ConfigKey, String?)], settings: SettingsReader) throws(ValidationError) {
        for case let (key, endpoint?) in endpoints where endpoint.hasPrefix("tcp://localhost:") {
            throw ValidationError("""
                \(settings.source(of: key)): \(endpoint): libzmq binds an address or an interface, not a host name; \
                write tcp://127.0.0.1:\(endpoint.dropFirst("tcp://localhost:".count))
                """)
        }
    }

    /// Without CURVE every endpoint must be unreachable from other machines, unless `--insecure`.
    private static func requireLoopback(_ endpoints: [(ConfigKey, String?)], settings: SettingsReader) throws(ValidationError) {
        for case let (key, endpoint?) in endpoints where !LogEndpointOption.isLocal(endpoint) {
            let reach = endpoint.hasPrefix("ipc://@")
                ? "is an abstract socket, which every local user may connect to (it has no file to restrict)"
                : "is not a loopback address"
            throw ValidationError("""
                \(settings.source(of: key)): \(endpoint) \(reach), and without --curve-secret the \
                dispatcher has no encryption or authentication: anyone who reaches it may submit jobs, read every result \
                and log, and serve as a worker. Give --curve-secret FILE --allow DIR (see `chungtay keys generate`), or \
                --insecure to bind it anyway (behind a firewall)
                """)
        }
    }
}
