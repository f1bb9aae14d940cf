import ChungTayCoding

/// A list of notices written as a table (docs/BATCH.md "Tables"): `{"fields": [names],
/// "items": [[cells]…]}`, each row the notice object whose members are the fields with the
/// row's cells, so that a chunk names each field once instead of once per notice.
struct NoticeTable {
    let fields: [String]

    /// Opens a table; each row then goes in as an array of cells, in `fields` order.
    func open(_ writer: inout JSONWriter) {
        writer.openObject()
        writer.key("fields")
        writer.strings(fields)
        writer.key("items")
        writer.openArray()
    }

    static func close(_ writer: inout JSONWriter) {
        writer.closeArray()
        writer.closeObject()
    }

    /// The notices a table stands for, read from its value; `payload_invalid` when it
    /// is not a table.
    static func notices(_ table: JSONObject, list: String) throws(TaskRejection) -> [JSONObject] {
        let value = try TableValue(table, list: list)
        let fields = value.fields
        let rows = value.rows
        let knownKeys = fields.map { KnownKeys.index(of: $0) }
        var notices: [JSONObject] = []
        notices.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            guard case .array(let cells) = row, cells.count <= fields.count else {
                throw .payloadInvalid("\(list).items[\(index)] is not an array of at most \(fields.count) values, one per field")
            }
            var members: [JSONObject.Member] = []
            members.reserveCapacity(cells.count)
            for (position, cell) in cells.enumerated() {
                members.append(JSONObject.Member(key: fields[position], value: cell, knownKey: knownKeys[position]))
            }
            notices.append(JSONObject(members))
        }
        return notices
    }

    /// Whether the bytes at the scanner are a table as stages write it, `{"fields":
    /// [strings], "items": [rows]}` in that order with every row an array of at most one
    /// cell per field, checked without reading the cells; false for anything else (then
    /// read into values, `notices(_:list:)`, which refuses what is not a table).
    static func isWrittenTable(_ scanner: inout JSONScanner) -> Bool {
        do throws(JSONSyntaxError) {
            guard scanner.take(UInt8(ascii: "{")), let fields = try TableValue.scanFields(&scanner) else { return false }
            var fits = true
            _ = try scanner.scanArray { scanner, _ throws(JSONSyntaxError) in
                guard scanner.next == UInt8(ascii: "[") else {
                    fits = false
                    return try scanner.skipValue()
                }
                let cells = try scanner.scanArray { scanner, _ throws(JSONSyntaxError) in try scanner.skipValue() }
                if cells > fields.count { fits = false }
            }
            return fits && scanner.take(UInt8(ascii: "}")) && scanner.isAtEnd
        } catch {
            return false
        }
    }
}
