import ChungTayCoding

/// One input record of a batch stage payload with where it came from (docs/BATCH.md
/// "item"). The item's shape is the client's contract, so a malformed item rejects the
/// payload; the record inside is judged by the record checks, never rejected.
struct BatchItem<Record: ItemRecord> {
    /// A line that could not be read as a record.
    struct InputError {
        /// 1-based, where reading failed.
        let column: Int
        /// The column's name when the reader knew it (a CSV column within the header).
        let field: String?
        let message: String
    }

    let source: ItemSource
    /// The fields as read; possibly none when the line could not be read.
    let record: Record
    let listFlags: [FlagCode]
    let inputError: InputError?

    /// A sheet name's limit in an item: Excel's own is 31 characters, so this only keeps a
    /// hand-made payload's names from growing every document's `source` without bound.
    static var maximumSheetNameBytes: Int { 255 }

    /// A file name's limit in an item, a file system's own (`NAME_MAX`): a table gives its one
    /// `file` to every row, so an unbounded name would be copied into every document.
    static var maximumFileNameBytes: Int { 255 }

    private static var lackingRecord: String { "lacks record (an object, possibly {})" }

    /// - Parameters:
    ///   - list: the payload member holding the item, and `index` its position, for messages.
    ///   - allowedFlags: the list-level flag codes the client may put on this list's items.
    init(_ value: JSONValue, list: String, index: Int, allowedFlags: [FlagCode]) throws(TaskRejection) {
        guard case .object(let item) = value else { throw .payloadInvalid("\(list)[\(index)] is not an object") }
        try self.init(
            item, record: item["record"]?.objectValue.map(Record.init(members:)), lacking: Self.lackingRecord, list: list,
            index: index, allowedFlags: allowedFlags)
    }

    /// The item's checks, on its members other than `record` (`item["record"]` is not
    /// looked at) and on the record read from the last `record` member (or a table row's
    /// cells), nil when that is absent or not an object; `lacking` says so.
    private init(
        _ item: JSONObject, record: Record?, lacking: String, list: String, index: Int, allowedFlags: [FlagCode]
    ) throws(TaskRejection) {
        func invalid(_ problem: String) -> TaskRejection { .payloadInvalid("\(list)[\(index)] \(problem)") }
        guard case .string(let file)? = item["file"], file.utf8.count <= Self.maximumFileNameBytes else {
            throw invalid("lacks file (a string of at most \(Self.maximumFileNameBytes) bytes)")
        }
        guard case .number(let lineNumber)? = item["line"], let line = lineNumber.integerValue, line >= 1 else {
            throw invalid("lacks line (a whole number, at least 1)")
        }
        guard let record else { throw invalid(lacking) }
        var sheet: String?
        switch item["sheet"] {
        case nil:
            break
        case .string(let name)? where (1...Self.maximumSheetNameBytes).contains(name.utf8.count):
            sheet = name
        default:
            throw invalid("sheet must be a string of 1 to \(Self.maximumSheetNameBytes) bytes")
        }

        var listFlags: [FlagCode] = []
        switch item["listFlags"] {
        case nil, .null?:
            break
        case .array(let codes)?:
            for code in codes {
                guard case .string(let name) = code, let flag = FlagCode(rawValue: name), allowedFlags.contains(flag) else {
                    let allowed = allowedFlags.map(\.rawValue).joined(separator: ", ")
                    throw invalid("listFlags may hold only \(allowed)")
                }
                listFlags.append(flag)
            }
        default:
            throw invalid("listFlags must be an array of flag codes")
        }

        switch item["inputError"] {
        case nil, .null?:
            inputError = nil
        case .object(let error)?:
            guard case .number(let columnNumber)? = error["column"], let column = columnNumber.integerValue, column >= 1 else {
                throw invalid("inputError lacks column (a whole number, at least 1)")
            }
            guard case .string(let message)? = error["message"] else { throw invalid("inputError lacks message (a string)") }
            let field: String?
            switch error["field"] {
            case nil, .null?: field = nil
            case .string(let name)?: field = name
            default: throw invalid("inputError field must be a string or null")
            }
            inputError = InputError(column: column, field: field, message: message)
        default:
            throw invalid("inputError must be an object or null")
        }

        source = ItemSource(file: file, sheet: sheet, line: line)
        self.record = record
        self.listFlags = listFlags
    }

    /// The `record_unreadable` error flag for an item with an `inputError`. Its field is
    /// the column's name when the reader knew it, else empty: the record's keys cannot
    /// tell, since empty cells are left out of it.
    func unreadableFlag(rules: RuleBook) -> RecordFlag? {
        guard let inputError else { return nil }
        return rules.flags.flag(
            .recordUnreadable, field: inputError.field ?? "", detail: inputError.message,
            position: InputPosition(file: source.file, sheet: source.sheet, line: source.line, column: inputError.column)
        )
    }
}

/// The number (`KnownKeys`) of an item's `record` member.
private let itemRecordKey = KnownKeys.index(of: "record")!
/// The numbers (`KnownKeys`) of the row members a table's item does not take: the table
/// gives `file`, the cells give the record (`sheet`, which a table has not, is not a known key).
private struct RowKeys {
    let file = KnownKeys.index(of: "file")!
    let record = itemRecordKey
    let cells = KnownKeys.index(of: "cells")!

    func isTableMember(_ member: JSONObject.Member) -> Bool {
        member.knownKey == file || member.knownKey == record || member.knownKey == cells || member.key == "sheet"
    }
}

extension BatchItem {
    /// The items of a list read straight from its bytes, which the payload reader checked
    /// and left unread (`ParsedPayload.scanUnreadList`): each item's record is read from
    /// its bytes (`Record.scanned(from:)`), and only the item's other members become values. The
    /// items are checked as `init(_:list:index:allowedFlags:)` checks them, so a malformed
    /// one is refused alike; nil when the bytes are not as the reader leaves a checked
    /// list, and the caller then reads the list into values instead.
    static func scanList(
        _ scanner: inout JSONScanner, list: String, allowedFlags: [FlagCode]
    ) throws(TaskRejection) -> [BatchItem]? {
        guard scanner.take(UInt8(ascii: "[")) else { return nil }
        var items: [BatchItem] = []
        if scanner.take(UInt8(ascii: "]")) { return scanner.isAtEnd ? items : nil }
        // Read once here, not once per member (a global's lazy initialisation is checked at every use).
        let recordKey = itemRecordKey
        repeat {
            let scanned: (item: JSONObject, record: Record?)
            do throws(JSONSyntaxError) {
                scanned = try scanItem(&scanner, recordKey: recordKey)
            } catch {
                return nil
            }
            items.append(
                try BatchItem(
                    scanned.item, record: scanned.record, lacking: lackingRecord, list: list, index: items.count,
                    allowedFlags: allowedFlags))
        } while scanner.take(UInt8(ascii: ","))
        return scanner.take(UInt8(ascii: "]")) && scanner.isAtEnd ? items : nil
    }

    /// One item object: its members but `record`, and the last `record`'s fields (nil
    /// when that is not an object).
    private static func scanItem(_ scanner: inout JSONScanner, recordKey: Int) throws(JSONSyntaxError) -> (JSONObject, Record?) {
        try scanner.expect(UInt8(ascii: "{"))
        var members: [JSONObject.Member] = []
        // `file` and `line`, and room for `sheet` or `listFlags`, without growing.
        members.reserveCapacity(4)
        var record: Record?
        if scanner.take(UInt8(ascii: "}")) { return (JSONObject(members), nil) }
        repeat {
            let (key, knownKey) = try scanner.memberName()
            if knownKey == recordKey {
                if scanner.next == UInt8(ascii: "{") {
                    record = try Record.scanned(from: &scanner)
                } else {
                    try scanner.skipValue()
                    record = nil
                }
            } else {
                members.append(JSONObject.Member(key: key, value: try scanner.value(), knownKey: knownKey))
            }
        } while scanner.take(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"))
        return (JSONObject(members), record)
    }
}

// MARK: Tables

extension BatchItem {
    /// The items of a list given as a table (docs/BATCH.md "Tables"), read from its value:
    /// each row is the item `{"file": the table's file, "line", "record": its cells as
    /// members of the fields they stand under, "listFlags", "inputError"}`, its other
    /// members ignored.
    static func table(_ table: JSONObject, list: String, allowedFlags: [FlagCode]) throws(TaskRejection) -> [BatchItem] {
        let value = try TableValue(table, list: list)
        let fields = value.fields
        let rows = value.rows
        let slots = Record.slots(for: fields)
        let keys = RowKeys()
        let file = table.members.last { $0.knownKey == keys.file }
        let rowList = "\(list).items"
        var items: [BatchItem] = []
        items.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            guard case .object(let members) = row else { throw .payloadInvalid("\(rowList)[\(index)] is not an object") }
            var record: Record?
            if case .array(let cells)? = members["cells"], cells.count <= fields.count { record = Record(cells: cells, slots: slots) }
            var item = members.members.filter { !keys.isTableMember($0) }
            if let file { item.append(file) }
            items.append(
                try BatchItem(
                    JSONObject(item), record: record, lacking: lackingCells(fields.count), list: rowList, index: index,
                    allowedFlags: allowedFlags))
        }
        return items
    }

    /// A table read straight from its bytes, as `scanList` reads a list: only a table as
    /// clients write it, `{"file": a string, "fields": [strings], "items": [rows]}` in that
    /// order; nil for any other (then read into values, `table(_:list:allowedFlags:)`).
    static func scanTable(_ scanner: inout JSONScanner, list: String, allowedFlags: [FlagCode]) throws(TaskRejection) -> [BatchItem]? {
        let keys = RowKeys()
        let file: JSONObject.Member
        let fields: [String]
        do throws(JSONSyntaxError) {
            try scanner.expect(UInt8(ascii: "{"))
            let (fileName, fileKey) = try scanner.memberName()
            guard fileKey == keys.file else { return nil }
            let fileValue = try scanner.value()
            guard case .string = fileValue, scanner.take(UInt8(ascii: ",")), let names = try TableValue.scanFields(&scanner) else {
                return nil
            }
            file = JSONObject.Member(key: fileName, value: fileValue, knownKey: fileKey)
            fields = names
        } catch {
            return nil
        }
        let slots = Record.slots(for: fields)
        let rowList = "\(list).items"
        let lacking = lackingCells(fields.count)
        guard scanner.take(UInt8(ascii: "[")) else { return nil }
        var items: [BatchItem] = []
        // Thrown only once the table is known to end here: a member after `items` could
        // be another `items` or `fields`, which the value path would read instead.
        var rejection: TaskRejection?
        if !scanner.take(UInt8(ascii: "]")) {
            repeat {
                do throws(JSONSyntaxError) {
                    guard rejection == nil else {
                        try scanner.skipValue()
                        continue
                    }
                    var row = try scanRow(&scanner, slots: slots, keys: keys)
                    row.item.append(file)
                    do throws(TaskRejection) {
                        items.append(
                            try BatchItem(
                                JSONObject(row.item), record: row.record, lacking: lacking, list: rowList, index: items.count,
                                allowedFlags: allowedFlags))
                    } catch {
                        rejection = error
                    }
                } catch {
                    return nil
                }
            } while scanner.take(UInt8(ascii: ","))
            guard scanner.take(UInt8(ascii: "]")) else { return nil }
        }
        guard scanner.take(UInt8(ascii: "}")), scanner.isAtEnd else { return nil }
        if let rejection { throw rejection }
        return items
    }

    /// One row object: its members but those a row's item does not take, and the record
    /// of its last `cells` (nil when that is not an array of at most one cell per field).
    private static func scanRow(
        _ scanner: inout JSONScanner, slots: [Record.Slot?], keys: RowKeys
    ) throws(JSONSyntaxError) -> (item: [JSONObject.Member], record: Record?) {
        try scanner.expect(UInt8(ascii: "{"))
        var members: [JSONObject.Member] = []
        // `line`, and room for `listFlags` and `inputError`, without growing.
        members.reserveCapacity(4)
        var record: Record?
        if scanner.take(UInt8(ascii: "}")) { return (members, nil) }
        repeat {
            let (key, knownKey) = try scanner.memberName()
            if knownKey == keys.cells {
                if scanner.next == UInt8(ascii: "[") {
                    record = try Record.scanned(cells: &scanner, slots: slots)
                } else {
                    try scanner.skipValue()
                    record = nil
                }
            } else {
                let member = JSONObject.Member(key: key, value: try scanner.value(), knownKey: knownKey)
                if !keys.isTableMember(member) { members.append(member) }
            }
        } while scanner.take(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"))
        return (members, record)
    }

    private static func lackingCells(_ fields: Int) -> String {
        "lacks cells (an array of at most \(fields) values, one per field)"
    }
}
