import ChungTayRules
/// A generated household: its record and the plan the loans are drawn from.
struct SampleHousehold {
    var record: SampleRecord<HouseholdField>
    let plan: HouseholdPlan
    let householdCode: String
    /// Whether the household has loans; borrowers always belong to a savings group,
    /// through which VBSP lends.
    let borrows: Bool
}
