import ChungTayCoding

/// Which log records a reader wants: the one filter of the dispatcher's log bus, of
/// `chungtay logs` and of the status page's live tail. Every condition set must hold.
public struct LogFilter: Equatable, Sendable {
    /// Records at this level or more severe; nil: every level.
    public var minimumLevel: LogRecord.Level?
    /// Records of this worker (by name).
    public var worker: String?
    public var kind: String?
    public var batch: String?
    /// Text the message or a field value contains (case-sensitive, as written).
    public var grep: String?

    public init(
        minimumLevel: LogRecord.Level? = nil, worker: String? = nil, kind: String? = nil, batch: String? = nil,
        grep: String? = nil
    ) {
        self.minimumLevel = minimumLevel
        self.worker = worker
        self.kind = kind
        self.batch = batch
        self.grep = grep
    }

    public static let everything = LogFilter()

    public func matches(_ record: LogRecord) -> Bool {
        if let minimumLevel, record.level < minimumLevel { return false }
        if let worker, record.worker != worker { return false }
        if let kind, record.kind != kind { return false }
        if let batch, record.batch != batch { return false }
        if let grep, !grep.isEmpty {
            guard record.message.contains(grep) || record.fields.values.contains(where: { $0.contains(grep) }) else { return false }
        }
        return true
    }

    /// The filter as a JSON object of its set conditions (`level`, `worker`, `kind`,
    /// `batch`, `grep`), as SUBSCRIBE carries it.
    public func encode() -> [UInt8] {
        var writer = JSONWriter(capacity: 128)
        writer.openObject()
        if let minimumLevel { writer.key("level"); writer.string(minimumLevel.rawValue) }
        if let worker { writer.key("worker"); writer.string(worker) }
        if let kind { writer.key("kind"); writer.string(kind) }
        if let batch { writer.key("batch"); writer.string(batch) }
        if let grep { writer.key("grep"); writer.string(grep) }
        writer.closeObject()
        return writer.finish()
    }

    /// Longest encoded filter accepted.
    public static let maxEncodedBytes = 4096

    /// - Throws: `malformed` for anything but an object of those string members.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> LogFilter {
        guard bytes.count <= maxEncodedBytes else { throw WireError(.malformed, "log filter exceeds \(maxEncodedBytes) bytes") }
        let value: JSONValue
        do {
            value = try JSONReader.parse(bytes)
        } catch {
            throw WireError(.malformed, "log filter is not JSON: \(error)")
        }
        guard let object = value.objectValue else { throw WireError(.malformed, "log filter is not a JSON object") }
        var filter = LogFilter()
        for member in object.members {
            guard case .string(let text) = member.value else {
                throw WireError(.malformed, "log filter member '\(member.key.prefix(utf8Bytes: WireError.maxEchoedBytes))' is not a string")
            }
            switch member.key {
            case "level":
                guard let level = LogRecord.Level(rawValue: text) else { throw WireError(.malformed, "log filter level '\(text.prefix(utf8Bytes: WireError.maxEchoedBytes))' is unknown") }
                filter.minimumLevel = level
            case "worker": filter.worker = text
            case "kind": filter.kind = text
            case "batch": filter.batch = text
            case "grep": filter.grep = text
            default: throw WireError(.malformed, "log filter member '\(member.key.prefix(utf8Bytes: WireError.maxEchoedBytes))' is unknown")
            }
        }
        return filter
    }
}
