import ChungTayCoding

/// What a batch item's `record` is read into, either from a record object already read
/// (the value path) or straight from a stage payload's bytes (`BatchItem.scanList`, the
/// scanned path), which builds no `JSONObject` for it. Both read it alike: the last member
/// with a key counts, as `JSONObject`'s subscript takes the last, and unknown members are
/// ignored.
protocol ItemRecord {
    /// From a record object already read.
    init(members object: JSONObject)
    /// From the record object at the scanner, moving past it.
    static func scanned(from scanner: inout JSONScanner) throws(JSONSyntaxError) -> Self
}
