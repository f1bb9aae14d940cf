import ArgumentParser
import ChungTayClient
import ChungTayWire

/// `chungtay top`: the status report redrawn every second until `q` (or SIGINT/SIGTERM).
struct TopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "A live view of workers, queues, dead letters and batches, refreshed every second (q quits).")

    @OptionGroup var client: ClientOptions

    static let refreshTimeout: Duration = .seconds(3)

    func run() throws {
        let terminal = RawTerminal()
        defer { terminal.restore() }
        var connection: DispatcherClient?
        repeat {
            let lines: [String]
            do {
                let current = try connection ?? client.client()
                connection = current
                // At most a few seconds per refresh, whatever --timeout says, so q is never long unanswered.
                guard case .statusReport(let document) = try current.call(.status, timeout: Self.refreshTimeout) else {
                    throw ClientError.badReply("expected STATUS-REPORT")
                }
                let status = try StatusReport(json: document)
                lines = TopScreen.lines(status, endpoint: status.clientEndpoint, width: terminal.width)
            } catch {
                // Shown in place of the figures until the dispatcher answers again.
                connection = nil
                lines = ["chungtay top  (q quits)", "", "no status from the dispatcher: \(error)"]
            }
            guard terminal.draw(lines) else { throw ExitCode.failure }
        } while !terminal.waitForQuit(seconds: 1)
    }
}
