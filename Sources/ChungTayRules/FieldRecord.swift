import ChungTayCoding

/// A record held as one `FieldValue` per field of `Field`, so that households and loans
/// share one reading of their members.
protocol FieldRecord: ItemRecord where Slot == Field {
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
            values[field.rawValue] = try scanValue(&scanner, as: field.kind)
        } while scanner.take(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"))
        return Self(values: values)
    }

    static func slots(for fields: [String]) -> [Field?] {
        let byKnownKey = Field.byKnownKey
        return fields.map { name in KnownKeys.index(of: name).flatMap { byKnownKey[$0] } }
    }

    init(cells: [JSONValue], slots: [Field?]) {
        var values = Self().values
        for (cell, slot) in zip(cells, slots) {
            if let field = slot, cell != .null { values[field.rawValue] = FieldValue(cell, as: field.kind) }
        }
        self.init(values: values)
    }

    /// As `init(cells:slots:)`, cell by cell from the bytes, each as `scanned(from:)`
    /// reads a member's value.
    static func scanned(cells scanner: inout JSONScanner, slots: [Field?]) throws(JSONSyntaxError) -> Self? {
        var values = Self().values
        let count = try scanner.scanArray { scanner, index throws(JSONSyntaxError) in
            guard index < slots.count, let field = slots[index], scanner.next != UInt8(ascii: "n") else {
                try scanner.skipValue()
                return
            }
            values[field.rawValue] = try scanValue(&scanner, as: field.kind)
        }
        return count <= slots.count ? Self(values: values) : nil
    }

    /// The value here, of a field of `kind`.
    private static func scanValue(_ scanner: inout JSONScanner, as kind: FieldValue.Kind) throws(JSONSyntaxError) -> FieldValue {
        if kind == .number || kind == .flag {
            let start = scanner.position
            if let text = scanner.plainASCIIString(), let value = FieldValue(plainASCII: text, as: kind) {
                return value
            }
            scanner.rewind(to: start)
        }
        return FieldValue(try scanner.value(), as: kind)
    }
}
