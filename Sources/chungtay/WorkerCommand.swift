import ArgumentParser
import ChungTayRuntime
import ChungTayHandlers
import ChungTayRules
import ChungTayWire
import ChungTayWorker
import Foundation

struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a worker: connect to the dispatcher and run tasks of the given kinds.",
        discussion: "Each setting comes from its flag, else the CHUNGTAY_* environment variable, else the --config JSON file, else the default.")

    @OptionGroup var settings: WorkerSettings

    func run() throws {
        let resolved = try settings.resolve()
        let configuration = { var configuration = resolved.configuration; configuration.logSink = LogSink(); return configuration }()
        let logger = ProcessLogging.bootstrap(resolved.logging, identity: LogIdentity(role: .worker, worker: configuration.name),
                                              sink: configuration.logSink)
        let ruleBook = try RuleSource.load(directory: resolved.rulesDirectory)
        let handlers = HandlerCatalog.all(rules: ruleBook).filter { configuration.kinds.contains($0.kind.rawValue) }
        // READY=1 at start, not at the dispatcher's answer: a worker reconnects by itself, and a
        // unit waiting for a dispatcher that is down would only time out.
        try ServiceRunner.run(logger: logger, readyStatus: "worker \(configuration.name) for \(configuration.endpoint)") {
            [WorkerRuntime.service(configuration: configuration, handlers: handlers, logger: logger)]
        }
    }
}
