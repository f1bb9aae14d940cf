package import ChungTayCoding
public import ChungTayWire

/// A task payload read once into a JSON object, so that a handler can tell a batch
/// stage payload (it has a top-level `batch` member, docs/BATCH.md) from a
/// single-record one and hand it on without parsing the bytes again.
public struct ParsedPayload: Sendable {
    /// The members read; a list the reader only checked (`RawMember.skipped`) is not
    /// among them: `value(of:)` finds every member.
    package let object: JSONObject
    /// The bytes read, and where each top-level member is in them (document order): a
    /// stage hands a list on by copying its bytes when they are what writing it would give.
    let bytes: [UInt8]
    let rawMembers: [JSONReader.RawMember]

    /// - Throws: `payload_invalid` when the bytes are not one JSON object.
    public init(_ bytes: [UInt8]) throws(TaskRejection) {
        try self.init(bytes, leavingUnread: [])
    }

    /// Reads a payload for a task of `kind`: a list that the kind's batch stage hands on or
    /// reads item by item (`BatchStage.listsLeftUnread`) is checked but not read into
    /// values when it is a canonical array of objects or object (a table): the stage then
    /// copies its bytes or scans them (`scanUnreadList`), reading any other object as values.
    public init(_ bytes: [UInt8], for kind: TaskKind) throws(TaskRejection) {
        try self.init(bytes, leavingUnread: BatchStage.listsLeftUnread(by: kind))
    }

    /// - Parameter leavingUnread: numbers (`KnownKeys`) of the lists left unread when canonical.
    package init(_ bytes: [UInt8], leavingUnread: Set<Int>) throws(TaskRejection) {
        let value: JSONValue
        do throws(JSONSyntaxError) {
            (value, rawMembers) = try JSONReader.parseRecordingMembers(bytes, checking: Self.handedOn, skipping: leavingUnread)
        } catch {
            throw .payloadInvalid("payload is not JSON: \(error.message) at byte \(error.offset)")
        }
        guard case .object(let object) = value else { throw .payloadInvalid("payload is not a JSON object") }
        self.object = object
        self.bytes = bytes
    }

    /// The top-level members batch stages hand on to the next stage (docs/BATCH.md):
    /// `batch` always, the loan items in stage A, the review notices in stage B.
    package static let handedOn: Set<Int> = Set(["batch", "loans", "reviews"].map { KnownKeys.index(of: $0)! })

    /// The payload is for `BatchStage` rather than for the kind's single-record task.
    public var isBatchStage: Bool { object["batch"] != nil }

    /// The last top-level member with the key, as `JSONObject`'s subscript finds it.
    private func rawMember(_ key: String) -> JSONReader.RawMember? {
        guard let known = KnownKeys.index(of: key) else { return nil }
        return rawMembers.last { $0.knownKey == known }
    }

    /// The value of the last member with the key (nil when there is none), read now
    /// when the reader only checked it.
    package func value(of key: String) -> JSONValue? {
        guard let member = rawMember(key), member.skipped else { return object[key] }
        // Checked already: a canonical array or object, so reading it again cannot fail.
        return try? JSONReader.parse(Array(bytes[member.range]))
    }

    /// The last member with the key is an array of objects the reader only checked.
    package func isSkippedArrayOfObjects(_ key: String) -> Bool {
        guard let member = rawMember(key), member.skipped else { return false }
        return bytes[member.range.lowerBound] == UInt8(ascii: "[")
    }

    /// What `scan` reads from the bytes of the last member with the key, when the reader
    /// only checked it; nil when it read the member into values (`value(of:)` has it) or
    /// there is none, and when `scan` gives nil.
    func scanUnreadList<Scanned>(
        _ key: String, _ scan: (inout JSONScanner) throws(TaskRejection) -> Scanned?
    ) throws(TaskRejection) -> Scanned? {
        guard let member = rawMember(key), member.skipped else { return nil }
        return try bytes.withUnsafeBufferPointer { buffer throws(TaskRejection) -> Scanned? in
            var scanner = JSONScanner(buffer, range: member.range)
            return try scan(&scanner)
        }
    }

    /// The bytes of the value of the last member with the key when writing that value
    /// with `JSONWriter.value` would give exactly them; nil otherwise, and when there is
    /// no such member.
    package func canonicalBytes(of key: String) -> ArraySlice<UInt8>? {
        guard let member = rawMember(key), member.canonical else { return nil }
        return bytes[member.range]
    }
}
