public import ChungTayRules

/// Which list a file holds, which decides its columns and the column its header row must
/// name.
public enum ListKind: Sendable {
    case households, loans

    public var columns: [RecordColumn] {
        switch self {
        case .households: RecordColumn.households
        case .loans: RecordColumn.loans
        }
    }

    /// The field a header row must name to be taken for one (`householdCode`, `loanId`).
    public var keyField: String {
        switch self {
        case .households: HouseholdField.householdCode.name
        case .loans: LoanField.loanId.name
        }
    }

    var keyColumn: RecordColumn { columns.first { $0.field == keyField }! }

    /// Whether `names` are all SCHEMA.md field names of this list (a machine file's header).
    func namesFieldsOnly(_ names: [String]) -> Bool {
        !names.isEmpty && names.allSatisfy { name in columns.contains { $0.field == name } }
    }
}
