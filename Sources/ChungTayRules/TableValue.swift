import ChungTayCoding

/// The `fields` and `items` every table of a stage payload has (docs/BATCH.md "Tables"),
/// read from its value, or from its bytes when they are as written: the one check of them
/// that item and notice tables share.
struct TableValue {
    let fields: [String]
    let rows: [JSONValue]

    /// - Parameter list: the payload member holding the table, for messages.
    init(_ table: JSONObject, list: String) throws(TaskRejection) {
        guard case .array(let names)? = table["fields"], let fields = Self.strings(names) else {
            throw .payloadInvalid("\(list).fields must be an array of strings")
        }
        guard case .array(let rows)? = table["items"] else { throw .payloadInvalid("\(list).items must be an array") }
        self.fields = fields
        self.rows = rows
    }

    /// Reads `"fields": [strings], "items":` at the scanner, the members as clients and stages
    /// write them, leaving it at the rows; nil for anything else (then read into values).
    static func scanFields(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> [String]? {
        guard try scanner.memberName().knownKey == fieldsKey, case .array(let names) = try scanner.value(),
            let fields = strings(names), scanner.take(UInt8(ascii: ",")), try scanner.memberName().knownKey == itemsKey
        else { return nil }
        return fields
    }

    /// The names, when every one is a string.
    private static func strings(_ names: [JSONValue]) -> [String]? {
        var fields: [String] = []
        fields.reserveCapacity(names.count)
        for name in names {
            guard case .string(let field) = name else { return nil }
            fields.append(field)
        }
        return fields
    }

    private static let fieldsKey = KnownKeys.index(of: "fields")!
    private static let itemsKey = KnownKeys.index(of: "items")!
}
