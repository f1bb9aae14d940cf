import ArgumentParser
import ChungTayDispatcher
import ChungTayWire
import Foundation

struct DispatcherCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatcher",
        abstract: "Run the dispatcher: durable job queue, task routing, JSON stores.",
        discussion: """
            Each setting comes from its flag, else the CHUNGTAY_* environment variable, else \
            the --config JSON file, else the default. On start it prints one JSON line \
            {"event":"ready","clientEndpoint":…,"workerEndpoint":…} on standard output.
            """)

    @OptionGroup var settings: DispatcherSettings

    func run() throws {
        let logger = ProcessLogging.bootstrap(level: settings.logLevel)
        let settings = settings
        try ServiceRunner.run(logger: logger) {
            let configuration = try await settings.resolve()
            return [Dispatcher.service(configuration: configuration, logger: logger) { client, worker in
                let line = #"{"event":"ready","clientEndpoint":"# + JSONText.quoted(client) + #","workerEndpoint":"# + JSONText.quoted(worker) + "}\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }]
        }
    }
}
