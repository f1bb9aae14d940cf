public import ChungTayCoding

/// The status of one loan as of a date (RULES.md section 2). A loan that fails its
/// checks is not an error: the result carries the flags and nil computed fields.
///
/// - Parameter dueSoonDays: how far ahead `due_soon` looks; nil takes the rule data's
///   default (30 days).
public func loanStatus(loan: LoanRecord, asOf: CivilDate, dueSoonDays: Int? = nil, rules: RuleBook) -> LoanStatusResult {
    LoanStatusResult(
        check: LoanCheck(loan, rules: rules), asOf: asOf,
        dueSoonDays: dueSoonDays ?? rules.programmes.dueSoonDaysDefault, rules: rules, listFlags: []
    )
}

/// The statuses of a batch's loans, adding the list-level warning
/// `household_not_in_list` to each loan whose household code is not among the
/// batch's households.
public func loanStatuses(
    loans: [LoanRecord], householdCodes: Set<String>, asOf: CivilDate, dueSoonDays: Int? = nil, rules: RuleBook
) -> [LoanStatusResult] {
    let days = dueSoonDays ?? rules.programmes.dueSoonDaysDefault
    return loans.map { loan in
        let check = LoanCheck(loan, rules: rules)
        var listFlags: [RecordFlag] = []
        if let code = check.householdCode, !householdCodes.contains(code) {
            listFlags.append(rules.flags.flag(.householdNotInList, field: LoanField.householdCode.name, detail: code))
        }
        return LoanStatusResult(check: check, asOf: asOf, dueSoonDays: days, rules: rules, listFlags: listFlags)
    }
}
