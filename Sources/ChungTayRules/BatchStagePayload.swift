import ChungTayCoding

/// A batch stage payload (docs/BATCH.md "Stage payloads"): the shared `batch` object
/// and the stage's lists. Anything that breaks the stage contract is a
/// `payload_invalid` rejection; the records inside are left to the record checks.
struct BatchStagePayload {
    let object: JSONObject
    private let parsed: ParsedPayload
    /// `{"id", "asOf", "whatIf"}` as received, handed on to the next stage unchanged.
    let batch: JSONValue
    let asOf: CivilDate
    let whatIf: Bool

    init(_ payload: ParsedPayload) throws(TaskRejection) {
        object = payload.object
        parsed = payload
        guard let batch = object["batch"], case .object(let fields) = batch else {
            throw .payloadInvalid("batch must be an object {\"id\", \"asOf\", \"whatIf\"}")
        }
        guard case .string(let text)? = fields["asOf"] else { throw .payloadInvalid("batch lacks asOf (YYYY-MM-DD)") }
        guard let asOf = CivilDate(iso: text) else { throw .payloadInvalid("batch.asOf \"\(text)\" is not a YYYY-MM-DD date") }
        switch fields["whatIf"] {
        case nil, .null?: whatIf = false
        case .bool(let flag)?: whatIf = flag
        default: throw .payloadInvalid("batch.whatIf must be true, false or null")
        }
        self.batch = batch
        self.asOf = asOf
    }

    /// The size of the payload read: enough room for the next stage's payload, which
    /// hands on one of the lists and replaces the other with shorter notices.
    var byteCount: Int { parsed.bytes.count }

    /// Writes `batch` as received: its bytes when they are what writing it would give.
    func writeBatch(to writer: inout JSONWriter) {
        if let bytes = parsed.canonicalBytes(of: "batch") { writer.raw(bytes) } else { writer.value(batch) }
    }

    /// Writes the list under `key`, which the stage has checked (`items`, `checkNotices`):
    /// the payload's bytes when they are what writing it would give, an empty array when
    /// it is absent or null.
    func writeList(_ key: String, to writer: inout JSONWriter) {
        if let bytes = parsed.canonicalBytes(of: key) {
            writer.raw(bytes)
        } else {
            writer.value(parsed.value(of: key).flatMap { $0 == .null ? nil : $0 } ?? .array([]))
        }
    }

    /// The array `value` of the list under `key`. The stage's own item list is required; the
    /// lists it only passes on or reads notices from may be absent or null, meaning none.
    private static func array(_ value: JSONValue?, _ key: String, required: Bool) throws(TaskRejection) -> [JSONValue] {
        switch value {
        case .array(let elements)?: return elements
        case nil, .null?:
            guard !required else { throw .payloadInvalid("payload lacks the \(key) array") }
            return []
        default: throw .payloadInvalid("\(key) must be an array or a table")
        }
    }

    /// The items under `key`, an array of items or a table (docs/BATCH.md), each record
    /// read into `Record`: straight from the payload's bytes when the reader left the list
    /// unread, else from the values read. Should the scan of a list left unread give nil
    /// (its bytes not as the reader leaves a checked list, or a table's members not in the
    /// order clients write them), the list is still read into values: `value(of:)` reads
    /// the member's bytes again, since `object` lacks a member left unread.
    func items<Record: ItemRecord>(
        _ key: String, required: Bool, allowedFlags: [FlagCode]
    ) throws(TaskRejection) -> [BatchItem<Record>] {
        let scanned = try parsed.scanUnreadList(key) { scanner throws(TaskRejection) in
            scanner.next == UInt8(ascii: "{")
                ? try BatchItem<Record>.scanTable(&scanner, list: key, allowedFlags: allowedFlags)
                : try BatchItem<Record>.scanList(&scanner, list: key, allowedFlags: allowedFlags)
        }
        if let scanned { return scanned }
        // Not scanned: read into values, a list left unread too (`value(of:)` reads its bytes).
        let list = parsed.value(of: key)
        if case .object(let table)? = list {
            return try BatchItem<Record>.table(table, list: key, allowedFlags: allowedFlags)
        }
        let elements = try Self.array(list, key, required: required)
        var items: [BatchItem<Record>] = []
        items.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            items.append(try BatchItem(element, list: key, index: index, allowedFlags: allowedFlags))
        }
        return items
    }

    /// Checks the notices under `key` as `notices` reads them, without reading a list the
    /// reader found to be a canonical array of objects, or a table as stages write it.
    func checkNotices(_ key: String) throws(TaskRejection) {
        guard !parsed.isSkippedArrayOfObjects(key) else { return }
        if try parsed.scanUnreadList(key, { scanner throws(TaskRejection) in NoticeTable.isWrittenTable(&scanner) ? true : nil }) == true {
            return
        }
        _ = try notices(key)
    }

    /// Review or loan notices, an array of objects or a table (docs/BATCH.md): objects
    /// read tolerantly, as stored documents are.
    func notices(_ key: String) throws(TaskRejection) -> [JSONObject] {
        let list = parsed.value(of: key)
        if case .object(let table)? = list { return try NoticeTable.notices(table, list: key) }
        let elements = try Self.array(list, key, required: false)
        var notices: [JSONObject] = []
        notices.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard case .object(let notice) = element else { throw .payloadInvalid("\(key)[\(index)] is not an object") }
            notices.append(notice)
        }
        return notices
    }
}
