import ArgumentParser
import ChungTayHandlers
import ChungTayWire
import ChungTayWorker
import Configuration
import Foundation
import Logging

/// The worker's settings, read like every command's (`SettingsReader`). Those only a
/// worker has are under `worker.` (`CHUNGTAY_WORKER_KINDS`, `chungtay.worker.kinds`),
/// beside the endpoint it shares with the dispatcher (`CHUNGTAY_WORKER_ENDPOINT`).
struct WorkerSettings: ParsableArguments {
    @Option(help: "The dispatcher's worker endpoint (CHUNGTAY_WORKER_ENDPOINT; default tcp://127.0.0.1:5556).") var connect: String?
    @Option(help: "Kinds to serve: comma-separated, and/or --kinds repeated (CHUNGTAY_WORKER_KINDS; default system.echo).")
    var kinds: [KindList] = []
    @Option(help: "Tasks run at once, one executor thread each (CHUNGTAY_WORKER_CONCURRENCY; default: the processor count).")
    var concurrency: Int?
    @Option(help: "Tasks held beyond those running (CHUNGTAY_WORKER_PREFETCH; default: 127 per executor).") var prefetch: Int?
    @Option(help: "Worker name shown in status and stored in result documents (CHUNGTAY_WORKER_NAME; default HOST-PID).")
    var name: String?
    @Option(help: "Seconds SIGTERM waits for running tasks (CHUNGTAY_WORKER_DRAIN_TIMEOUT; default 30).") var drainTimeout: Double?
    @Option(help: "Heartbeat interval in milliseconds (CHUNGTAY_WORKER_HEARTBEAT_MS; default 1000).") var heartbeatMs: Int?
    @Option(help: "Directory of rule data files replacing the embedded ones (CHUNGTAY_RULES_DIR).") var rules: String?
    @OptionGroup var curve: CurveOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var settings: SettingsOptions

    /// What the worker runs with.
    struct Resolved: Sendable {
        var configuration: WorkerConfiguration
        var rulesDirectory: String?
        var logging: LoggingOptions.Resolved
    }

    func validate() throws {
        _ = try resolve()
    }

    func resolve() throws -> Resolved {
        try SettingsReader.resolve(settings, flags: [
            .init("worker.endpoint", "--connect", connect),
            .init("worker.kinds", "--kinds", kinds.isEmpty ? nil : kinds.flatMap(\.names)),
            .init("worker.concurrency", "--concurrency", concurrency),
            .init("worker.prefetch", "--prefetch", prefetch),
            .init("worker.name", "--name", name),
            .init("worker.drain.timeout", "--drain-timeout", drainTimeout),
            .init("worker.heartbeat.ms", "--heartbeat-ms", heartbeatMs),
            .init("rules.dir", "--rules", rules),
        ] + curve.flags + logging.flags) { settings in
            let concurrency = try await settings.int("worker.concurrency") ?? ProcessInfo.processInfo.activeProcessorCount
            try settings.require((1...1024).contains(concurrency), "worker.concurrency", "must be 1 to 1024")
            let heartbeatMs = try await settings.int("worker.heartbeat.ms") ?? 1000
            try settings.require(heartbeatMs >= 1, "worker.heartbeat.ms", "must be at least 1")
            let drainTimeout = try await settings.seconds("worker.drain.timeout", in: 0...86_400, "must be 0 to 86400 seconds") ?? .seconds(30)
            let prefetch = try await settings.int("worker.prefetch")
            try settings.require(prefetch.map { $0 >= 0 } ?? true, "worker.prefetch", "cannot be negative")
            let kinds = try await settings.strings("worker.kinds")?.flatMap(KindList.split) ?? [TaskKind.systemEcho.rawValue]
            try settings.require(!kinds.isEmpty, "worker.kinds", "must name at least one kind")
            let available = Set(HandlerCatalog.kinds)
            for kind in kinds where !available.contains(kind) {
                throw ValidationError("no handler for kind '\(kind)' (\(settings.source(of: "worker.kinds"))); available: \(available.sorted().joined(separator: ", "))")
            }
            var configuration = WorkerConfiguration(
                endpoint: try await settings.string("worker.endpoint") ?? "tcp://127.0.0.1:5556",
                name: try await settings.string("worker.name") ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)",
                kinds: kinds, concurrency: concurrency, prefetch: prefetch,
                heartbeatInterval: .milliseconds(heartbeatMs), drainTimeout: drainTimeout)
            configuration.curve = try await CurveOptions.read(from: settings)
            return Resolved(configuration: configuration, rulesDirectory: try await settings.string("rules.dir"),
                            logging: try await LoggingOptions.read(from: settings))
        }
    }
}
