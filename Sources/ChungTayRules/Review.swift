public import ChungTayCoding

/// Reviews one household as of a date (RULES.md section 1).
///
/// - Parameters:
///   - whatIf: also classify under the other poverty standard (RULES.md 1.6).
///   - standard: force a standard by id instead of choosing it by `asOf`; a forced
///     standard applies whatever the date, which is what a what-if season needs.
/// - Throws: `no_standard` when no standard covers `asOf`, `standard_unknown` for an
///   unknown forced id. A record that fails its checks is not an error: the review
///   carries the flags.
public func review(
    household: HouseholdRecord, asOf: CivilDate, rules: RuleBook, whatIf: Bool = false, standard: String? = nil
) throws(TaskRejection) -> HouseholdReview {
    let chosen = try chooseStandard(asOf: asOf, forced: standard, rules: rules)
    return HouseholdReview(
        check: HouseholdCheck(household, rules: rules), asOf: asOf, standard: chosen,
        whatIfStandard: whatIf ? rules.counterpart(of: chosen) : nil, rules: rules
    )
}

/// Reviews the records of one list together, adding the list-level checks
/// `duplicate_citizen_id` and `duplicate_household_code`: every copy of a duplicated
/// value is flagged (and, being an error, left unclassified).
public func reviewList(
    households: [HouseholdRecord], asOf: CivilDate, rules: RuleBook, whatIf: Bool = false, standard: String? = nil
) throws(TaskRejection) -> [HouseholdReview] {
    let chosen = try chooseStandard(asOf: asOf, forced: standard, rules: rules)
    let whatIfStandard = whatIf ? rules.counterpart(of: chosen) : nil
    let checks = households.map { HouseholdCheck($0, rules: rules) }
    let citizenIdCounts = Dictionary(checks.compactMap(\.citizenId).map { ($0, 1) }, uniquingKeysWith: +)
    let householdCodeCounts = Dictionary(checks.compactMap(\.householdCode).map { ($0, 1) }, uniquingKeysWith: +)
    return checks.map { check in
        var check = check
        var listFlags: [RecordFlag] = []
        if let citizenId = check.citizenId, citizenIdCounts[citizenId, default: 0] > 1 {
            listFlags.append(rules.flags.flag(.duplicateCitizenId, field: HouseholdField.citizenId.name))
        }
        if let code = check.householdCode, householdCodeCounts[code, default: 0] > 1 {
            listFlags.append(rules.flags.flag(.duplicateHouseholdCode, field: HouseholdField.householdCode.name, detail: code))
        }
        check.append(listFlags: listFlags)
        return HouseholdReview(check: check, asOf: asOf, standard: chosen, whatIfStandard: whatIfStandard, rules: rules)
    }
}

private func chooseStandard(asOf: CivilDate, forced: String?, rules: RuleBook) throws(TaskRejection) -> PovertyStandard {
    if let forced { return try rules.standard(named: forced) }
    return try rules.standard(covering: asOf)
}
