import ChungTayCoding

/// A record held as one `FieldValue` per field of `Field`, so that households and loans
/// share one reading of their members.
protocol FieldRecord: ItemRecord {
    associatedtype Field: RecordField
    /// A record with no member read: each field's default.
    init()
    /// A record with these values, by `Field.rawValue`.
    init(values: [FieldValue])
    /// By `Field.rawValue`.
    var values: [FieldValue] { get }
}

extension FieldRecord {
    init(members object: JSONObject) {
        var values = Self().values
        let byKnownKey = Field.byKnownKey
        for member in object.members {
            if let key = member.knownKey, let field = byKnownKey[key] {
                values[field.rawValue] = FieldValue(member.value, as: field.kind)
            }
        }
        self.init(values: values)
    }

    /// As `init(members:)`, member by member from the bytes: a number or flag given as a
    /// string of plain ASCII is read from its bytes (`FieldValue(plainASCII:as:)`) when it
    /// can be, any other value of a field as `JSONReader` reads it, and unknown members
    /// are skipped unread.
    static func scanned(from scanner: inout JSONScanner) throws(JSONSyntaxError) -> Self {
        try scanner.expect(UInt8(ascii: "{"))
        var values = Self().values
        if scanner.take(UInt8(ascii: "}")) { return Self(values: values) }
        // Read once here, not once per member (a static `let` is checked for initialisation at every use).
        let byKnownKey = Field.byKnownKey
        repeat {
            let (_, knownKey) = try scanner.memberName()
            guard let knownKey, let field = byKnownKey[knownKey] else {
                try scanner.skipValue()
                continue
            }
            let kind = field.kind
            if kind == .number || kind == .flag {
                let start = scanner.position
                if let text = scanner.plainASCIIString(), let value = FieldValue(plainASCII: text, as: kind) {
                    values[field.rawValue] = value
                    continue
                }
                scanner.rewind(to: start)
            }
            values[field.rawValue] = FieldValue(try scanner.value(), as: kind)
        } while scanner.take(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"))
        return Self(values: values)
    }
}
