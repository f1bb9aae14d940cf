import ChungTayCoding

/// What a batch item's `record` is read into, either from a record object already read
/// (the value path) or straight from a stage payload's bytes (`BatchItem.scanList`, the
/// scanned path), which builds no `JSONObject` for it. Both read it alike: the last member
/// with a key counts, as `JSONObject`'s subscript takes the last, and unknown members are
/// ignored. A table's row (docs/BATCH.md "Tables") is read the same way from its cells:
/// the cells are the members of the record its fields name, a null cell left out.
protocol ItemRecord {
    /// Where a table's field goes in the record; nil for a name the record does not know.
    associatedtype Slot
    /// From a record object already read.
    init(members object: JSONObject)
    /// From the record object at the scanner, moving past it.
    static func scanned(from scanner: inout JSONScanner) throws(JSONSyntaxError) -> Self
    /// A table's fields, looked up once per table rather than once per row.
    static func slots(for fields: [String]) -> [Slot?]
    /// From a row's cells, at most one per slot.
    init(cells: [JSONValue], slots: [Slot?])
    /// From the array of cells at the scanner, moving past it; nil when it holds more
    /// cells than there are slots.
    static func scanned(cells scanner: inout JSONScanner, slots: [Slot?]) throws(JSONSyntaxError) -> Self?
}
