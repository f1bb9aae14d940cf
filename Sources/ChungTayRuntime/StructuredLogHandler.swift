public import ChungTayWire
import Foundation
public import Logging

/// The log handler of every chungtay process: masks personal data in the message and in
/// every metadata value (whatever the call site passes, so no code path can log a citizen
/// ID or phone number in clear), turns the event into a `LogRecord`, writes it on
/// standard error as text or JSON, and offers it to an optional `LogSink` for the log bus.
public struct StructuredLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let identity: LogIdentity
    private let format: LogFormat
    private let sink: LogSink?
    private let write: @Sendable (String) -> Void

    public init(
        identity: LogIdentity, format: LogFormat, sink: LogSink? = nil,
        write: @escaping @Sendable (String) -> Void = StructuredLogHandler.writeToStandardError
    ) {
        self.identity = identity
        self.format = format
        self.sink = sink
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let record = record(of: event)
        switch format {
        case .text: write(Self.textLine(record))
        case .json: write(String(decoding: record.encode(), as: UTF8.self) + "\n")
        }
        sink?.offer(record)
    }

    /// The masked record of an event. Metadata keys `task`/`taskId`, `kind`, `batch` and
    /// `household` (and `worker` in a process that is not a worker) become the record's
    /// named members; the rest its fields.
    func record(of event: LogEvent) -> LogRecord {
        var record = LogRecord(
            time: Timestamp.now(), level: LogRecord.Level(event.level), role: identity.role, worker: identity.worker,
            host: identity.host, message: LogRecord.shortened(PersonalDataMask.mask(event.message.description)))
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for (key, value) in merged {
            let text = LogRecord.shortened(PersonalDataMask.mask(Self.text(of: value)))
            switch key {
            case "task", "taskId": record.taskId = text
            case "kind": record.kind = text
            case "batch": record.batch = text
            case "household": record.household = text
            // The dispatcher's lines about a worker: they belong to that worker's stream too.
            case "worker" where identity.worker == nil: record.worker = text
            default:
                if record.fields.count < LogRecord.maxFields, !LogRecord.namedKeys.contains(key) {
                    record.fields[PersonalDataMask.mask(key)] = text
                }
            }
        }
        return record
    }

    /// `TIME LEVEL role[worker] message key=value…`, named members first, then fields by
    /// key; with `colours`, the level and the process in ANSI colours (for a terminal).
    public static func textLine(_ record: LogRecord, colours: Bool = false) -> String {
        func painted(_ text: String, _ code: String) -> String { colours ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        let shown = TerminalText.printable
        var process = record.role.rawValue
        if let worker = record.worker { process += "[\(shown(worker))]" }
        var line = shown(record.time) + " " + painted(record.level.rawValue.uppercased(), levelColour(record.level))
        line += " " + painted(process, record.role == .worker ? "36" : "35") + " " + shown(record.message)
        let named: [(String, String?)] = [("task", record.taskId), ("kind", record.kind), ("batch", record.batch), ("household", record.household)]
        for case let (key, value?) in named { line += " \(key)=\(shown(value))" }
        for key in record.fields.keys.sorted() { line += " \(shown(key))=\(shown(record.fields[key] ?? ""))" }
        return line + "\n"
    }

    /// Red for errors, yellow for warnings, plain for info and notice, dim below.
    private static func levelColour(_ level: LogRecord.Level) -> String {
        switch level {
        case .critical, .error: "31;1"
        case .warning: "33"
        case .notice, .info: "32"
        case .debug, .trace: "2"
        }
    }

    private static func text(of value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): "[" + values.map(text(of:)).joined(separator: ", ") + "]"
        case .dictionary(let values): "[" + values.keys.sorted().map { "\($0): \(text(of: values[$0]!))" }.joined(separator: ", ") + "]"
        }
    }

    /// A line standard error cannot take (a full disk under it) is dropped, not trapped on as
    /// `FileHandle.write(_:)` does: the service goes on (the log bus, where there is one, has the record).
    public static let writeToStandardError: @Sendable (String) -> Void = { line in
        try? FileHandle.standardError.write(contentsOf: Data(line.utf8))
    }
}

extension LogRecord.Level {
    public init(_ level: Logger.Level) {
        self = LogRecord.Level(rawValue: level.rawValue) ?? .info
    }

    public var loggerLevel: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}
