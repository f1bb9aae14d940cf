import ArgumentParser
import Foundation

/// `chungtay`: the dispatcher, the worker and the client commands in one executable.
///
/// Exit codes (the interface other services script against): 0 success, 1 the job
/// failed or was dead-lettered (or the output could not be written), 2 usage error, 3
/// cannot reach the dispatcher.
@main
struct ChungTay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chungtay",
        abstract: "Policy-credit household reviews over a ZeroMQ job queue.",
        subcommands: [
            DispatcherCommand.self, WorkerCommand.self, SubmitCommand.self, JobCommand.self,
            StatusCommand.self, TopCommand.self, DeadLettersCommand.self, BatchCommand.self, ResultsCommand.self, RulesCommand.self,
            DemoDataCommand.self, DataCommand.self, LogsCommand.self, AuditCommand.self, KeysCommand.self, NotificationsCommand.self,
        ])

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
            guard StandardStreams.flushPrinted() else { Foundation.exit(EXIT_FAILURE) }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure || code == ExitCode(EXIT_FAILURE) && error is ValidationError {
                StandardStreams.error(fullMessage(for: error) + "\n")
                Foundation.exit(CLIExit.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// The exit codes of the CLI contract.
enum CLIExit: Int32 {
    case success = 0
    case jobFailed = 1
    case usage = 2
    /// The dispatcher did not answer within the timeout, or refused this peer's key in the handshake.
    case unreachable = 3
}
