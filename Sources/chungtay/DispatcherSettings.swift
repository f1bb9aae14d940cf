import ArgumentParser
import ChungTayDispatcher
import Configuration
import Foundation

/// The dispatcher's settings: a flag wins, then `CHUNGTAY_*` environment variables, then
/// the `--config` JSON file (keys under `"chungtay"`, e.g. `{"chungtay":{"data":{"dir":…}}}`),
/// then the embedded default. swift-configuration does the environment and file lookup.
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
    @Option(help: "JSON configuration file.") var config: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (CHUNGTAY_LOG_LEVEL).") var logLevel: String?

    func validate() throws {
        for (name, value) in [("--heartbeat-interval-ms", heartbeatIntervalMs), ("--heartbeat-liveness", heartbeatLiveness),
                              ("--max-attempts", maxAttempts), ("--max-message-bytes", maxMessageBytes),
                              ("--worker-window-bytes", workerWindowBytes), ("--max-message-frames", maxMessageFrames)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1") }
        }
        if let config, !FileManager.default.isReadableFile(atPath: config) { throw ValidationError("cannot read --config \(config)") }
    }

    func resolve() async throws -> DispatcherConfiguration {
        var providers: [any ConfigProvider] = [EnvironmentVariablesProvider()]
        if let config {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(config)))
        }
        let reader = ConfigReader(providers: providers).scoped(to: "chungtay")
        let defaults = DispatcherConfiguration()
        var configuration = defaults
        configuration.dataDirectory = URL(fileURLWithPath: dataDir ?? reader.string(forKey: "data.dir") ?? defaults.dataDirectory.path)
        configuration.clientEndpoint = clientEndpoint ?? reader.string(forKey: "client.endpoint") ?? defaults.clientEndpoint
        configuration.workerEndpoint = workerEndpoint ?? reader.string(forKey: "worker.endpoint") ?? defaults.workerEndpoint
        if let value = heartbeatIntervalMs ?? reader.int(forKey: "heartbeat.interval.ms") { configuration.heartbeatInterval = .milliseconds(value) }
        if let value = heartbeatLiveness ?? reader.int(forKey: "heartbeat.liveness") { configuration.heartbeatLiveness = value }
        if let value = maxAttempts ?? reader.int(forKey: "max.attempts") { configuration.maxAttempts = value }
        if let value = retryBaseMs ?? reader.int(forKey: "retry.base.ms") { configuration.retryBaseDelay = .milliseconds(value) }
        if let value = maxMessageBytes ?? reader.int(forKey: "max.message.bytes") { configuration.maxMessageSize = value }
        if let value = workerWindowBytes ?? reader.int(forKey: "worker.window.bytes") { configuration.workerWindowBytes = value }
        if let value = maxMessageFrames ?? reader.int(forKey: "max.message.frames") { configuration.maxMessageFrames = value }
        if let value = taskTimeout ?? reader.double(forKey: "task.timeout") {
            guard value.isFinite, (0.001...604_800).contains(value) else { throw ValidationError("the task timeout must be 0.001 to 604800 seconds") }
            configuration.taskTimeout = .milliseconds(Int64(value * 1000))
        }
        if let value = drainTimeoutS ?? reader.double(forKey: "drain.timeout.s") {
            guard value.isFinite, (0...86_400).contains(value) else { throw ValidationError("the drain timeout must be 0 to 86400 seconds") }
            configuration.drainTimeout = .milliseconds(Int64(value * 1000))
        }
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.message)
        }
        return configuration
    }
}
