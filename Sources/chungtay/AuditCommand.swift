import ArgumentParser
import ChungTayCoding
import ChungTayStore
import ChungTayWire
import Foundation

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read the audit trail of a data directory: who submitted what, which worker processed each task, exports and look-ups.",
        discussion: """
            Reads DATA_DIR/audit.jsonl, which the dispatcher (and `batch export`) append to; safe beside a \
            running dispatcher. Prints one line per entry, oldest first: TIME EVENT key=value…, or with \
            --json the entries as stored (JSON Lines). Lines torn by a crash are skipped and counted on \
            standard error. Entries name clients by address and routing id, workers by name, users by OS \
            user, data by job, task and batch ids and household key hashes: never personal data.
            """)

    @Option(help: "The data directory (CHUNGTAY_DATA_DIR).") var dataDir: String?
    @OptionGroup var settings: SettingsOptions
    @Option(help: "Only the entries of this batch id: with tasks.completed, every task of the batch and its worker.") var batch: String?
    @Option(help: "Only entries at or after this time: RFC 3339 (2026-12-04T05:00:00Z, 2026-12-04T12:00:00+07:00) or a UTC date (2026-12-04).")
    var since: String?
    @Flag(help: "Print the entries as JSON Lines, as stored.") var json = false

    func validate() throws {
        if let since, Self.date(since) == nil { throw ValidationError("--since \(since) is not an RFC 3339 time or a date") }
    }

    func run() throws {
        let setting = try SettingsReader.resolve(settings, flags: [.init("data.dir", "--data-dir", dataDir)]) { try await $0.string("data.dir") }
        guard let path = setting else { throw ValidationError("give the data directory with --data-dir DIR") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(path) is not a directory")
        }
        let trail = AuditTrail.path(in: DataDirectory(root: URL(fileURLWithPath: path)))
        if !FileManager.default.fileExists(atPath: trail) {
            StandardStreams.error("chungtay: no audit trail in \(path) yet (nothing was recorded there)\n")
        }
        // Every line's time is written the same way (RFC 3339 UTC, milliseconds), so it compares
        // as text. The formatter cuts to the millisecond, and a parsed .194 may be .19399…: half
        // a millisecond more spells the time given.
        let from = since.flatMap(Self.date).map { AuditLine.time($0.addingTimeInterval(0.0005)) }
        var output: [UInt8] = []
        let torn: Int
        do {
            torn = try AuditEntry.scan(path: trail) { entry in
                if let from, entry.time < from { return }
                if let batch, entry.batch != batch { return }
                if json { output += entry.line } else { output += Array(Self.text(entry).utf8) }
                output.append(UInt8(ascii: "\n"))
                if output.count >= 1 << 16 {
                    guard StandardStreams.output(output) else { throw ExitCode.failure }
                    output.removeAll(keepingCapacity: true)
                }
            }
        } catch let error as StoreError {
            StandardStreams.error("chungtay: \(error)\n")
            throw ExitCode(CLIExit.jobFailed.rawValue)
        }
        guard StandardStreams.output(output) else { throw ExitCode.failure }
        if torn > 0 { StandardStreams.error("chungtay: skipped \(torn) torn line(s) in \(trail)\n") }
    }

    /// `TIME EVENT key=value…`: arrays as comma-separated values, objects as key:value pairs.
    static func text(_ entry: AuditEntry) -> String {
        var parts = [entry.time, entry.event]
        for member in entry.object.members where member.key != "time" && member.key != "event" {
            parts.append("\(member.key)=\(plain(member.value))")
        }
        return parts.joined(separator: " ")
    }

    private static func plain(_ value: JSONValue) -> String {
        switch value {
        case .null: "-"
        case .bool(let flag): String(flag)
        case .number(let number): number.description
        case .unrepresentableNumber(let approximation): String(approximation)
        case .string(let text): text
        case .array(let values): values.map(plain).joined(separator: ",")
        case .object(let object): object.members.map { "\($0.key):\(plain($0.value))" }.joined(separator: ",")
        }
    }

    /// An RFC 3339 time (with or without fractional seconds) or a full date, read as UTC midnight.
    static func date(_ text: String) -> Date? {
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime], [.withFullDate]] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
