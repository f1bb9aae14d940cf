public import ChungTayWire

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

/// `/logs/stream`'s query parameters (`level`, `worker`, `kind`, `batch`, `grep`, `tail`):
/// the one `LogFilter` of `chungtay logs` and the log bus, and how many records to show first.
public struct LogTailQuery: Equatable, Sendable {
    /// The dispatcher keeps the last 10,000 records; the page shows 200 unless asked.
    public static let maxTail = 10_000
    /// Longest text accepted for a filter value.
    public static let maxValueBytes = 256

    public var filter: LogFilter
    public var tail: Int

    public init(filter: LogFilter = .everything, tail: Int = 200) {
        self.filter = filter
        self.tail = tail
    }

    /// From decoded query parameters; empty values mean no filter.
    ///
    /// - Throws: a message for the page when a level is unknown, `tail` is not 0…10,000, or
    ///   a value is longer than `maxValueBytes`.
    public init(parameters: [(String, String)]) throws(LogTailQueryError) {
        self.init()
        for (name, value) in parameters where !value.isEmpty {
            guard value.utf8.count <= Self.maxValueBytes else { throw LogTailQueryError("\(name) is longer than \(Self.maxValueBytes) bytes") }
            switch name {
            case "level":
                guard let level = LogRecord.Level(rawValue: value) else {
                    throw LogTailQueryError("level must be one of \(LogRecord.Level.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                filter.minimumLevel = level
            case "worker": filter.worker = value
            case "kind": filter.kind = value
            case "batch": filter.batch = value
            case "grep": filter.grep = value
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
