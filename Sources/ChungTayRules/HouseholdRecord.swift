public import ChungTayCoding

/// A household record decoded tolerantly: each known field read according to its kind
/// (see `FieldValue`), whatever the sender put there, so that the record checks can
/// report a wrong type as a flag. Unknown fields are ignored.
public struct HouseholdRecord: Sendable, Equatable, FieldRecord {
    typealias Field = HouseholdField
    private(set) var values: [FieldValue]

    init() {
        values = Array(repeating: .absent, count: HouseholdField.allCases.count)
    }

    init(values: [FieldValue]) {
        self.values = values
    }

    public init(_ object: JSONObject) {
        self.init(members: object)
    }

    /// A record from field names and values, e.g. `["householdCode": "TL-1", "members": 4]`.
    public init(_ fields: [String: JSONValue]) {
        self.init(JSONObject(fields.map { JSONObject.Member(key: $0.key, value: $0.value) }))
    }

    public subscript(field: HouseholdField) -> FieldValue {
        values[field.rawValue]
    }
}
