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
}
