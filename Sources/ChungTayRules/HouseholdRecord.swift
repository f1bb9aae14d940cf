public import ChungTayCoding

/// A household record decoded tolerantly: each known field read according to its kind
/// (see `FieldValue`), whatever the sender put there, so that the record checks can
/// report a wrong type as a flag. Unknown fields are ignored.
public struct HouseholdRecord: Sendable, Equatable {
    private var values: [FieldValue]

    public init(_ object: JSONObject) {
        values = Array(repeating: .absent, count: HouseholdField.allCases.count)
        for member in object.members {
            if let key = member.knownKey, let field = HouseholdField.byKnownKey[key] {
                values[field.rawValue] = FieldValue(member.value, as: field.kind)
            }
        }
    }

    /// A record from field names and values, e.g. `["householdCode": "TL-1", "members": 4]`.
    public init(_ fields: [String: JSONValue]) {
        self.init(JSONObject(fields.map { JSONObject.Member(key: $0.key, value: $0.value) }))
    }

    public subscript(field: HouseholdField) -> FieldValue {
        values[field.rawValue]
    }
}
