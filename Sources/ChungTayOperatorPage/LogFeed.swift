/// Where the page's live log tail comes from: the dispatcher's log bus, through the log
/// subscription client (`chungtay logs` reads the same).
///
/// Records travel as their JSON objects (`LogRecord.encode()`, already masked by the
/// writing process's log handler): the page shows them and the listener never needs
/// their fields.
public protocol LogFeed: Sendable {
    /// The last `query.tail` records matching the query, then each new matching one, until
    /// the consuming task is cancelled or the stream ends (the subscription lost).
    func records(matching query: LogTailQuery) -> AsyncThrowingStream<[UInt8], any Error>
}

/// The filters of `chungtay logs`, as `/logs/stream`'s query parameters carry them
/// (`level`, `worker`, `kind`, `batch`, `grep`, `tail`); the log feed maps them onto
/// `LogFilter`.
public struct LogTailQuery: Equatable, Sendable {
    /// swift-log's level names, least severe first.
    public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    /// The dispatcher keeps the last 10,000 records; the page shows 200 unless asked.
    public static let maxTail = 10_000
    /// Longest text accepted for a filter value.
    public static let maxValueBytes = 256

    public var level: String?
    public var worker: String?
    public var kind: String?
    public var batch: String?
    public var grep: String?
    public var tail = 200

    public init(level: String? = nil, worker: String? = nil, kind: String? = nil, batch: String? = nil, grep: String? = nil, tail: Int = 200) {
        self.level = level
        self.worker = worker
        self.kind = kind
        self.batch = batch
        self.grep = grep
        self.tail = tail
    }

    /// From decoded query parameters; empty values mean no filter.
    ///
    /// - Throws: a message for the page when a level is unknown, `tail` is not 0…10,000, or
    ///   a value is longer than `maxValueBytes`.
    public init(parameters: [(String, String)]) throws(LogTailQueryError) {
        for (name, value) in parameters where !value.isEmpty {
            guard value.utf8.count <= Self.maxValueBytes else { throw LogTailQueryError("\(name) is longer than \(Self.maxValueBytes) bytes") }
            switch name {
            case "level":
                guard Self.levels.contains(value) else { throw LogTailQueryError("level must be one of \(Self.levels.joined(separator: ", "))") }
                level = value
            case "worker": worker = value
            case "kind": kind = value
            case "batch": batch = value
            case "grep": grep = value
            case "tail":
                guard let count = Int(value), (0...Self.maxTail).contains(count) else {
                    throw LogTailQueryError("tail must be 0 to \(Self.maxTail)")
                }
                tail = count
            default: continue
            }
        }
    }
}

public struct LogTailQueryError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) { self.description = description }
}
