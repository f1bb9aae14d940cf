/// `household.review`: `{"asOf", "household", "whatIf": false, "standard": null}` in,
/// the review document out.
public enum HouseholdReviewTask {
    /// Reads the payload as a worker does (`ParsedPayload(_:for:)`).
    public static func run(payload: [UInt8], rules: RuleBook) throws(TaskRejection) -> [UInt8] {
        try run(payload: ParsedPayload(payload, for: .householdReview), rules: rules)
    }

    public static func run(payload: ParsedPayload, rules: RuleBook) throws(TaskRejection) -> [UInt8] {
        let payload = try TaskPayload(payload)
        let household = HouseholdRecord(try payload.requiredObject("household"))
        return try review(
            household: household, asOf: payload.asOf, rules: rules,
            whatIf: try payload.bool("whatIf") ?? false, standard: try payload.string("standard")
        ).jsonBytes
    }
}
