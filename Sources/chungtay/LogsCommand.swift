import ArgumentParser
import ChungTayClient
import ChungTayRuntime
import ChungTayWire
import Foundation
import ZeroMQ

/// `chungtay logs`: the records of every process in one stream, from the dispatcher's log bus.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Show the log records of the dispatcher and every worker, from the dispatcher's log bus.",
        discussion: """
            Prints the last --tail matching records (of the 10,000 the dispatcher keeps) in time order, \
            then with -f follows new ones (held back half a second so records from several machines come \
            out in time order as far as their clocks agree). Text lines are coloured on a terminal; \
            --json prints JSON Lines (one log record per line).
            """)

    @Option(help: "The dispatcher's log endpoint (CHUNGTAY_LOG_ENDPOINT; default tcp://127.0.0.1:5557).") var connect: String?
    @Flag(name: [.customShort("f"), .long], help: "Follow: keep printing new records until interrupted.") var follow = false
    @Option(help: "How many of the latest matching records to print first (default 100; at most 10000).") var tail: UInt32 = 100
    @Option(help: "Only records at this level or more severe.") var level: LogLevel?
    @Option(help: "Only records of this worker (by name).") var worker: String?
    @Option(help: "Only records about tasks of this kind.") var kind: String?
    @Option(help: "Only records about this batch.") var batch: String?
    @Option(help: "Only records whose message or a field value contains this text.") var grep: String?
    @Flag(help: "Print JSON Lines instead of text.") var json = false
    @Option(help: "Seconds to wait for the dispatcher before giving up with exit code 3 (default 10).") var timeout: Double = 10
    @OptionGroup var curve: CurveOptions
    @OptionGroup var settings: SettingsOptions

    /// How long a followed record waits for earlier ones from slower peers.
    static let reorderWindow = Duration.milliseconds(500)

    func validate() throws {
        guard timeout > 0, timeout <= 1e9 else { throw ValidationError("--timeout must be positive (at most 1e9 seconds)") }
        _ = try endpoint()
    }

    private func endpoint() throws -> (endpoint: String, curve: CurveClientKeys?) {
        try SettingsReader.resolve(settings, flags: [.init("log.endpoint", "--connect", connect)] + curve.flags) { settings in
            (try await settings.string("log.endpoint") ?? "tcp://127.0.0.1:5557", try await CurveOptions.read(from: settings))
        }
    }

    func run() throws {
        let filter = LogFilter(minimumLevel: level.map { LogRecord.Level($0.level) }, worker: worker, kind: kind, batch: batch, grep: grep)
        let request = LogSubscriptionRequest(filter: filter, tail: min(tail, UInt32(LogProtocol.ringCapacity)), follow: follow)
        let printer = RecordPrinter(json: json, colours: !json && isatty(STDOUT_FILENO) == 1)
        let (endpoint, curve) = try endpoint()
        let outputWritten: Bool
        do throws(ClientError) {
            outputWritten = try stream(LogSubscription(endpoint: endpoint, request: request, curve: curve), to: printer)
        } catch {
            throw report(error)
        }
        guard outputWritten else { throw ExitCode.failure }
    }

    /// Prints the tail, then (with `--follow`) what comes; false once standard output cannot be written.
    private func stream(_ subscription: LogSubscription, to printer: RecordPrinter) throws(ClientError) -> Bool {
        var tailRecords: [LogRecord] = []
        while true {
            guard let event = try subscription.next(timeout: .milliseconds(Int64(timeout * 1000))) else {
                throw subscription.silence(seconds: timeout)
            }
            if case .records(let records) = event { tailRecords += records; continue }
            break
        }
        guard printer.print(Self.inTimeOrder(tailRecords)) else { return false }
        guard follow else { return true }
        var pending = LogReorderBuffer<ContinuousClock.Instant>()
        while true {
            if case .records(let records) = try subscription.next(timeout: Self.reorderWindow / 2) {
                pending.add(records, arrivedAt: .now)
            }
            guard printer.print(pending.takeDue(arrivedBy: .now - Self.reorderWindow)) else { return false }
        }
    }

    /// Sorted by time (RFC 3339 UTC text sorts as time), arrival order kept among equals.
    static func inTimeOrder(_ records: [LogRecord]) -> [LogRecord] {
        records.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    struct RecordPrinter {
        var json: Bool
        var colours: Bool

        /// False when standard output cannot be written (standard error says why).
        func print(_ records: [LogRecord]) -> Bool {
            guard !records.isEmpty else { return true }
            var output: [UInt8] = []
            for record in records {
                if json {
                    output += record.encode()
                    output.append(UInt8(ascii: "\n"))
                } else {
                    output += Array(StructuredLogHandler.textLine(record, colours: colours).utf8)
                }
            }
            return StandardStreams.output(output)
        }
    }
}
