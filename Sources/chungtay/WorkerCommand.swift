import ArgumentParser
import ChungTayHandlers
import ChungTayRules
import ChungTayWire
import ChungTayWorker
import Foundation

struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a worker: connect to the dispatcher and run tasks of the given kinds.")

    @Option(help: "The dispatcher's worker endpoint (env CHUNGTAY_WORKER_ENDPOINT).")
    var connect: String = ProcessInfo.processInfo.environment["CHUNGTAY_WORKER_ENDPOINT"] ?? "tcp://127.0.0.1:5556"
    @Option(help: "Comma-separated kinds to serve.") var kinds: String = TaskKind.systemEcho.rawValue
    @Option(help: "Tasks run at once (executor threads).") var concurrency: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Tasks held beyond those running (default: 127 per executor).") var prefetch: Int?
    @Option(help: "Worker name shown in status and stored in result documents.")
    var name: String = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    @Option(help: "Seconds SIGTERM waits for running tasks.") var drainTimeout: Double = 30
    @Option(help: "Heartbeat interval in milliseconds.") var heartbeatMs: Int = 1000
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: String?
    @Option(help: "Directory of rule data files replacing the embedded ones (CHUNGTAY_RULES_DIR).")
    var rules: String?

    func validate() throws {
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 1024") }
        guard heartbeatMs >= 1 else { throw ValidationError("--heartbeat-ms must be at least 1") }
        guard drainTimeout.isFinite, (0...86_400).contains(drainTimeout) else { throw ValidationError("--drain-timeout must be 0 to 86400 seconds") }
        guard prefetch.map({ $0 >= 0 }) ?? true else { throw ValidationError("--prefetch cannot be negative") }
        let available = Set(HandlerCatalog.kinds)
        for kind in kindList where !available.contains(kind) {
            throw ValidationError("no handler for kind '\(kind)'; available: \(available.sorted().joined(separator: ", "))")
        }
    }

    private var kindList: [String] { kinds.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    func run() throws {
        let logger = ProcessLogging.bootstrap(level: logLevel)
        let configuration = WorkerConfiguration(
            endpoint: connect, name: name, kinds: kindList, concurrency: concurrency, prefetch: prefetch,
            heartbeatInterval: .milliseconds(heartbeatMs), drainTimeout: .milliseconds(Int64(drainTimeout * 1000)))
        let ruleBook = try RuleSource.load(directory: rules)
        let handlers = HandlerCatalog.all(rules: ruleBook).filter { kindList.contains($0.kind.rawValue) }
        try ServiceRunner.run(logger: logger) {
            [WorkerRuntime.service(configuration: configuration, handlers: handlers, logger: logger)]
        }
    }
}
