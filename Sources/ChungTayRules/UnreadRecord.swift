import ChungTayCoding

/// The record of an item whose shape alone is checked: stage A's loan items, which it
/// hands on to stage B as their bytes, need only be well-formed items.
struct UnreadRecord: ItemRecord {
    private init() {}

    init(members object: JSONObject) {}

    /// Skips the record unread.
    static func scanned(from scanner: inout JSONScanner) throws(JSONSyntaxError) -> UnreadRecord {
        try scanner.skipValue()
        return UnreadRecord()
    }

    static func slots(for fields: [String]) -> [Never?] { Array(repeating: nil, count: fields.count) }

    init(cells: [JSONValue], slots: [Never?]) {}

    /// Skips the cells unread, only counting them.
    static func scanned(cells scanner: inout JSONScanner, slots: [Never?]) throws(JSONSyntaxError) -> UnreadRecord? {
        let count = try scanner.scanArray { scanner, _ throws(JSONSyntaxError) in try scanner.skipValue() }
        return count <= slots.count ? UnreadRecord() : nil
    }
}
