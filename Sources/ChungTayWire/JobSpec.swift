/// One job as a client submits it. The payload is opaque to the dispatcher.
public struct JobSpec: Equatable, Sendable {
    /// Longest kind name in bytes; kinds are short dotted names such as `household.review`.
    public static let maxKindLength = 255
    /// Longest idempotency key in bytes.
    public static let maxKeyLength = 1024

    public var kind: String
    public var payload: [UInt8]
    /// Resubmitting a job with the same key returns the first job's id instead of a new job.
    public var idempotencyKey: String?
    /// Higher runs first among queued jobs of the same kind; equal priorities run in submission order.
    public var priority: Int16
    /// The batch the job belongs to (docs/BATCH.md); it must be open for submissions.
    public var batchId: String?
    /// What the job brings to its batch's counters once accepted (e.g. `accepted/households`).
    public var counters: [Counter]

    public init(
        kind: String, payload: [UInt8], idempotencyKey: String? = nil, priority: Int16 = 0,
        batchId: String? = nil, counters: [Counter] = []
    ) {
        self.kind = kind
        self.payload = payload
        self.idempotencyKey = idempotencyKey
        self.priority = priority
        self.batchId = batchId
        self.counters = counters
    }

    /// Longest batch id in bytes.
    public static let maxBatchIdLength = 64

    /// A kind is lowercase ASCII letters, digits, `.`, `_` and `-`, starting with a letter,
    /// so it is always a safe directory name under the store.
    public static func isValidKind(_ kind: String) -> Bool {
        let utf8 = kind.utf8
        guard let first = utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first),
              utf8.count <= maxKindLength else { return false }
        return utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    /// Header frame: kind (u8 length + UTF-8), priority (i16), key (u16 length + UTF-8; 0 = none),
    /// then, only for a batch job, batch id (u8 length + UTF-8) and counters.
    func encodeHeader() -> [UInt8] {
        var writer = ByteWriter(capacity: 8 + kind.utf8.count)
        writer.write(kind, lengthAs: UInt8.self)
        writer.write(priority)
        writer.write(idempotencyKey ?? "", lengthAs: UInt16.self)
        if batchId != nil || !counters.isEmpty {
            writer.write(batchId ?? "", lengthAs: UInt8.self)
            writer.write(counters: counters)
        }
        return writer.bytes
    }

    static func decode(header: [UInt8], payload: [UInt8]) throws(WireError) -> JobSpec {
        var reader = ByteReader(header, context: "job header")
        let kind = try reader.readString(lengthAs: UInt8.self, field: "kind")
        let priority = try reader.readInteger(Int16.self, field: "priority")
        let key = try reader.readString(lengthAs: UInt16.self, field: "idempotency key")
        var batchId = ""
        var counters: [Counter] = []
        if !reader.isAtEnd {
            batchId = try reader.readString(lengthAs: UInt8.self, field: "batch id")
            counters = try reader.readCounters()
        }
        try reader.expectEnd()
        guard batchId.utf8.count <= maxBatchIdLength else {
            throw WireError(.malformed, "batch id longer than \(maxBatchIdLength) bytes")
        }
        guard isValidKind(kind) else {
            throw WireError(.malformed, "kind '\(kind.prefix(utf8Bytes: WireError.maxEchoedBytes))' is not a valid kind name")
        }
        guard key.utf8.count <= maxKeyLength else {
            throw WireError(.malformed, "idempotency key longer than \(maxKeyLength) bytes")
        }
        return JobSpec(
            kind: kind, payload: payload, idempotencyKey: key.isEmpty ? nil : key, priority: priority,
            batchId: batchId.isEmpty ? nil : batchId, counters: counters)
    }
}
