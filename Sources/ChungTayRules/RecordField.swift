/// The fields of a record type (`HouseholdField`, `LoanField`): numbered from 0, each of a
/// kind, and found by the key number of its name.
protocol RecordField: CaseIterable {
    var rawValue: Int { get }
    var kind: FieldValue.Kind { get }
    static var byKnownKey: [Self?] { get }
}
