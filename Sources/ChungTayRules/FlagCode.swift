/// Every flag code of RULES.md 1.7 (household checks) and 2.1/2.3 (loan checks and
/// information flags), and the batch input flag `record_unreadable` (docs/BATCH.md),
/// in the order flags are reported.
public enum FlagCode: String, Sendable, CaseIterable {
    case fieldMissing = "field_missing"
    case fieldInvalid = "field_invalid"
    case citizenIdFormat = "citizen_id_format"
    case citizenIdProvince = "citizen_id_province"
    case membersInvalid = "members_invalid"
    case incomeMissing = "income_missing"
    case countsExceedMembers = "counts_exceed_members"
    case areaInvalid = "area_invalid"
    case housingAreaInvalid = "housing_area_invalid"
    case dateInvalid = "date_invalid"
    case communeRenamed = "commune_renamed"
    case duplicateCitizenId = "duplicate_citizen_id"
    case duplicateHouseholdCode = "duplicate_household_code"
    case principalAboveProgrammeMax = "principal_above_programme_max"
    case overpaid
    case termAdjustmentInvalid = "term_adjustment_invalid"
    case extensionInvalid = "extension_invalid"
    case householdNotInList = "household_not_in_list"
    case recordUnreadable = "record_unreadable"
    case extended
    case adjusted
    case misuse
}
