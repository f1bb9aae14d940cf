public import ChungTayCoding

/// A loan record decoded tolerantly: each known field read according to its kind (see
/// `FieldValue`), whatever the sender put there, so that the loan checks can report a
/// wrong type as a flag. Unknown fields are ignored.
public struct LoanRecord: Sendable, Equatable, FieldRecord {
    typealias Field = LoanField
    private(set) var values: [FieldValue]

    init() {
        values = Array(repeating: .absent, count: LoanField.allCases.count)
        values[LoanField.termAdjustments.rawValue] = .termAdjustments([])
    }

    init(values: [FieldValue]) {
        self.values = values
    }

    public init(_ object: JSONObject) {
        self.init(members: object)
    }

    /// A record from field names and values, e.g. `["loanId": "L-1", "principal": 30_000_000]`.
    public init(_ fields: [String: JSONValue]) {
        self.init(JSONObject(fields.map { JSONObject.Member(key: $0.key, value: $0.value) }))
    }

    public subscript(field: LoanField) -> FieldValue {
        values[field.rawValue]
    }
}
