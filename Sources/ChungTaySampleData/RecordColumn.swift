import ChungTayRules

/// The fields of one record kind in SCHEMA.md order, which is the CSV column order and
/// the JSON key order. The rules module's field lists serve here too, so the generator
/// writes exactly the fields the rules read.
protocol RecordColumn: RawRepresentable<Int>, CaseIterable, Sendable where AllCases == [Self] {
    var name: String { get }
    /// False for a field only JSON Lines can carry (`termAdjustments`).
    var inCSV: Bool { get }
}

extension HouseholdField: RecordColumn {
    var inCSV: Bool { true }
}

extension LoanField: RecordColumn {
    var inCSV: Bool { self != .termAdjustments }
}
