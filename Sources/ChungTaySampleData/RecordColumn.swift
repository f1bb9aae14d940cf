/// The fields of one record kind in SCHEMA.md order, which is the CSV column order and
/// the JSON key order.
///
/// Case names are the SCHEMA.md field names, so the names cannot drift from the cases.
protocol RecordColumn: RawRepresentable<Int>, CaseIterable, Sendable where AllCases == [Self] {
    /// False for a field only JSON Lines can carry (`termAdjustments`).
    var inCSV: Bool { get }
}

extension RecordColumn {
    var name: String { String(describing: self) }
}
