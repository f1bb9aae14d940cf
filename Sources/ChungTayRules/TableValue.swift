import ChungTayCoding

/// The `fields` and `items` every table of a stage payload has (docs/BATCH.md "Tables"),
/// read from its value: the one check of them that item and notice tables share.
struct TableValue {
    let fields: [String]
    let rows: [JSONValue]

    /// - Parameter list: the payload member holding the table, for messages.
    init(_ table: JSONObject, list: String) throws(TaskRejection) {
        guard case .array(let names)? = table["fields"] else { throw Self.fieldsInvalid(list) }
        var fields: [String] = []
        fields.reserveCapacity(names.count)
        for name in names {
            guard case .string(let field) = name else { throw Self.fieldsInvalid(list) }
            fields.append(field)
        }
        guard case .array(let rows)? = table["items"] else { throw .payloadInvalid("\(list).items must be an array") }
        self.fields = fields
        self.rows = rows
    }

    private static func fieldsInvalid(_ list: String) -> TaskRejection {
        .payloadInvalid("\(list).fields must be an array of strings")
    }
}
