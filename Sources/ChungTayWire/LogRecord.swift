import ChungTayCoding

/// One log line as it crosses the wire (worker → dispatcher in CTWP01 LOG, dispatcher →
/// subscribers in CTLP01) and as `chungtay logs --json` prints it: one JSON object
/// (docs/PROTOCOL.md, "Log records").
///
/// Every value is text that already went through the log handler's personal-data mask;
/// the dispatcher and the subscribers never unmask or re-read it as anything but text.
public struct LogRecord: Equatable, Sendable {
    /// swift-log's levels, spelled as it spells them; ordered from least to most severe.
    public enum Level: String, Sendable, CaseIterable, Comparable {
        case trace, debug, info, notice, warning, error, critical

        var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
    }

    /// Which kind of process wrote the record.
    public enum Role: String, Sendable, CaseIterable {
        case dispatcher, worker, client
    }

    /// RFC 3339 in UTC with milliseconds (`Timestamp.rfc3339`), so records sort by this text.
    public var time: String
    public var level: Level
    public var role: Role
    /// The worker's name, for worker records.
    public var worker: String?
    public var host: String
    public var message: String
    public var taskId: String?
    public var kind: String?
    public var batch: String?
    public var household: String?
    /// The rest of the metadata, every value as text, in key order.
    public var fields: [String: String]

    public init(
        time: String, level: Level, role: Role, worker: String? = nil, host: String, message: String,
        taskId: String? = nil, kind: String? = nil, batch: String? = nil, household: String? = nil,
        fields: [String: String] = [:]
    ) {
        self.time = time
        self.level = level
        self.role = role
        self.worker = worker
        self.host = host
        self.message = message
        self.taskId = taskId
        self.kind = kind
        self.batch = batch
        self.household = household
        self.fields = fields
    }

    /// Largest encoded record accepted from the wire; the handler cuts messages and values
    /// so its own records stay well below it.
    public static let maxEncodedBytes = 16 << 10
    /// Longest message or field value the handler keeps (UTF-8 bytes, cut at a character).
    public static let maxTextBytes = 4096
    /// Most extra fields one record may carry.
    public static let maxFields = 32

    /// The keys of the named members; an extra field by one of these names is not written.
    public static let namedKeys: Set<String> = [
        "time", "level", "role", "worker", "host", "message", "taskId", "kind", "batch", "household",
    ]

    /// The record as one compact JSON object, named members first, then the fields by key.
    public func encode() -> [UInt8] {
        var writer = JSONWriter(capacity: 256 + message.utf8.count)
        writer.openObject()
        writer.key("time"); writer.string(time)
        writer.key("level"); writer.string(level.rawValue)
        writer.key("role"); writer.string(role.rawValue)
        if let worker { writer.key("worker"); writer.string(worker) }
        writer.key("host"); writer.string(host)
        writer.key("message"); writer.string(message)
        if let taskId { writer.key("taskId"); writer.string(taskId) }
        if let kind { writer.key("kind"); writer.string(kind) }
        if let batch { writer.key("batch"); writer.string(batch) }
        if let household { writer.key("household"); writer.string(household) }
        for key in fields.keys.sorted() where !Self.namedKeys.contains(key) {
            writer.dynamicKey(key)
            writer.string(fields[key])
        }
        writer.closeObject()
        return writer.finish()
    }

    /// Decodes one record. Every member must be a string; `time`, `level`, `role`, `host`
    /// and `message` are required.
    ///
    /// - Throws: `malformed` for anything else, including a record over `maxEncodedBytes`.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> LogRecord {
        guard bytes.count <= maxEncodedBytes else {
            throw WireError(.malformed, "log record exceeds \(maxEncodedBytes) bytes")
        }
        let value: JSONValue
        do {
            value = try JSONReader.parse(bytes)
        } catch {
            throw WireError(.malformed, "log record is not JSON: \(error)")
        }
        guard let object = value.objectValue else { throw WireError(.malformed, "log record is not a JSON object") }
        var strings: [String: String] = [:]
        for member in object.members {
            guard case .string(let text) = member.value else {
                throw WireError(.malformed, "log record member '\(member.key.prefix(utf8Bytes: WireError.maxEchoedBytes))' is not a string")
            }
            strings[member.key] = text
        }
        func required(_ key: String) throws(WireError) -> String {
            guard let value = strings.removeValue(forKey: key) else { throw WireError(.malformed, "log record lacks '\(key)'") }
            return value
        }
        let time = try required("time")
        let levelName = try required("level")
        guard let level = Level(rawValue: levelName) else { throw WireError(.malformed, "log record level '\(levelName.prefix(utf8Bytes: WireError.maxEchoedBytes))' is unknown") }
        let roleName = try required("role")
        guard let role = Role(rawValue: roleName) else { throw WireError(.malformed, "log record role '\(roleName.prefix(utf8Bytes: WireError.maxEchoedBytes))' is unknown") }
        let host = try required("host")
        let message = try required("message")
        let worker = strings.removeValue(forKey: "worker")
        let taskId = strings.removeValue(forKey: "taskId")
        let kind = strings.removeValue(forKey: "kind")
        let batch = strings.removeValue(forKey: "batch")
        let household = strings.removeValue(forKey: "household")
        guard strings.count <= maxFields else { throw WireError(.malformed, "log record has more than \(maxFields) fields") }
        return LogRecord(time: time, level: level, role: role, worker: worker, host: host, message: message,
                         taskId: taskId, kind: kind, batch: batch, household: household, fields: strings)
    }

    /// `text` cut to `maxTextBytes` at a character boundary.
    public static func shortened(_ text: String) -> String {
        text.prefix(utf8Bytes: maxTextBytes)
    }
}
