import ChungTayCoding

/// The loan checks of RULES.md 2.1 that need no schedule: `field_missing`,
/// `field_invalid`, `date_invalid` (errors) and the warnings
/// `principal_above_programme_max` and `overpaid`, in that order, each code's flags in
/// SCHEMA.md field order.
struct LoanCheck {
    let loanId: String?
    let householdCode: String?
    /// The programme id when it is a known one.
    let program: String?
    let flags: [RecordFlag]
    /// Nil when an error flag stops the computation.
    let terms: LoanTerms?

    // One initialiser keeps every check reading the same field values.
    init(_ record: LoanRecord, rules: RuleBook) {
        let catalog = rules.flags
        var flags: [RecordFlag] = []
        func add(_ code: FlagCode, _ field: String, detail: String = "") {
            flags.append(catalog.flag(code, field: field, detail: detail))
        }
        func add(_ code: FlagCode, _ field: LoanField, detail: String = "") {
            add(code, field.name, detail: detail)
        }
        func date(_ field: LoanField) -> CivilDate? {
            if case .date(let date) = record[field] { return date }
            return nil
        }
        func whole(_ field: LoanField) -> Int? {
            if case .number(let number) = record[field] { return number.integerValue }
            return nil
        }

        let loanId = record[.loanId]
        let householdCode = record[.householdCode]
        let programName = record[.program]
        let programme = programName.text.flatMap { rules.programmes.programme($0) }
        let principal = whole(.principal).flatMap { $0 > 0 ? $0 : nil }
        let disbursedOn = date(.disbursedOn)
        let maturityOn = date(.maturityOn)
        let period = whole(.repaymentPeriodMonths).flatMap { $0 >= 1 ? $0 : nil }
        let repaid = record[.principalRepaid].isAbsent ? 0 : whole(.principalRepaid).flatMap { $0 >= 0 ? $0 : nil }
        var rate: DecimalNumber?
        if case .number(let percent) = record[.annualRatePercent], !percent.isNegative { rate = percent }
        let frozenFrom = record[.frozenFrom]
        let frozenTo = record[.frozenTo]
        let misused = record[.misusedFunds]

        // field_missing
        for field in [LoanField.loanId, .householdCode, .program, .principal, .disbursedOn, .maturityOn,
            .repaymentPeriodMonths] where record[field].isAbsent
        {
            add(.fieldMissing, field)
        }
        if frozenFrom.isAbsent && !frozenTo.isAbsent { add(.fieldMissing, .frozenFrom) }
        if frozenTo.isAbsent && !frozenFrom.isAbsent { add(.fieldMissing, .frozenTo) }
        if misused == .flag(true) && record[.misuseFoundOn].isAbsent { add(.fieldMissing, .misuseFoundOn) }

        // field_invalid
        if loanId.isInvalid { add(.fieldInvalid, .loanId) }
        if householdCode.isInvalid { add(.fieldInvalid, .householdCode) }
        if programName.isInvalid || (programName.text != nil && programme == nil) {
            add(.fieldInvalid, .program, detail: programName.text ?? "")
        }
        if !record[.principal].isAbsent && principal == nil { add(.fieldInvalid, .principal) }
        if !record[.repaymentPeriodMonths].isAbsent && period == nil { add(.fieldInvalid, .repaymentPeriodMonths) }
        if repaid == nil { add(.fieldInvalid, .principalRepaid) }
        if !record[.annualRatePercent].isAbsent && rate == nil { add(.fieldInvalid, .annualRatePercent) }
        if record[.termAdjustments].isInvalid { add(.fieldInvalid, .termAdjustments) }
        if misused.isInvalid { add(.fieldInvalid, .misusedFunds) }

        // date_invalid
        func checkDate(_ field: LoanField) {
            if case .invalid(let given) = record[field] { add(.dateInvalid, field, detail: given) }
        }
        checkDate(.disbursedOn)
        checkDate(.maturityOn)
        if let start = disbursedOn, let end = maturityOn, end <= start {
            add(.dateInvalid, .maturityOn, detail: "\(end) ≤ \(start)")
        }
        checkDate(.interestPaidThrough)
        var adjustments: [FieldValue.TermAdjustmentValue] = []
        if case .termAdjustments(let entries) = record[.termAdjustments] { adjustments = entries }
        for (position, entry) in adjustments.enumerated() {
            if case .invalid(let given) = entry.dueOn {
                add(.dateInvalid, "\(LoanField.termAdjustments.name)[\(position)].dueOn", detail: given)
            }
            if case .invalid(let given) = entry.newDueOn {
                add(.dateInvalid, "\(LoanField.termAdjustments.name)[\(position)].newDueOn", detail: given)
            }
        }
        checkDate(.extendedTo)
        checkDate(.frozenFrom)
        checkDate(.frozenTo)
        if let start = date(.frozenFrom), let end = date(.frozenTo), end < start {
            add(.dateInvalid, .frozenTo, detail: "\(end) < \(start)")
        }
        checkDate(.writtenOffOn)
        checkDate(.misuseFoundOn)

        // principal_above_programme_max, overpaid
        if let principal, let maximum = programme?.maxPrincipal, principal > maximum {
            add(.principalAboveProgrammeMax, .principal, detail: String(maximum))
        }
        if let principal, let repaid, repaid > principal { add(.overpaid, .principalRepaid) }

        self.loanId = loanId.text
        self.householdCode = householdCode.text
        program = programme?.id
        self.flags = flags

        guard !flags.containsError, loanId.text != nil, householdCode.text != nil,
            let programme, let principal, let period, let repaid, let start = disbursedOn, let end = maturityOn, start < end
        else {
            terms = nil
            return
        }
        var termAdjustments: [LoanTerms.TermAdjustment] = []
        for (position, entry) in adjustments.enumerated() {
            guard case .date(let dueOn) = entry.dueOn, case .date(let newDueOn) = entry.newDueOn else {
                terms = nil
                return
            }
            termAdjustments.append(LoanTerms.TermAdjustment(position: position, dueOn: dueOn, newDueOn: newDueOn))
        }
        var frozen: ClosedRange<CivilDate>?
        if let from = date(.frozenFrom), let to = date(.frozenTo), from <= to { frozen = from...to }
        terms = LoanTerms(
            programme: programme, principal: principal, disbursedOn: start, maturityOn: end,
            periodMonths: period, principalRepaid: repaid,
            interestPaidThrough: date(.interestPaidThrough) ?? start,
            annualRatePercent: rate ?? programme.annualRatePercent,
            termAdjustments: termAdjustments, extendedTo: date(.extendedTo), frozen: frozen,
            writtenOffOn: date(.writtenOffOn),
            misuseFoundOn: misused == .flag(true) ? date(.misuseFoundOn) : nil
        )
    }
}
