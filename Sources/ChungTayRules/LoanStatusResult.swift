public import ChungTayCoding

/// A loan's status as of a date (SCHEMA.md loan-status document, without the fields
/// the worker runtime adds). A loan with an error flag has every computed field nil.
public struct LoanStatusResult: Sendable, Equatable {
    public let asOf: CivilDate
    public let loanId: String?
    public let householdCode: String?
    /// The programme id when it is a known one.
    public let program: String?
    public let status: LoanStatus?
    public let outstanding: Int?
    public let overduePrincipal: Int?
    public let daysOverdue: Int?
    public let overdueBucket: String?
    public let nextDueOn: CivilDate?
    public let nextDueAmount: Int?
    public let interestDue: Int?
    public let overdueSurcharge: Int?
    /// The rate applied: the loan's own or the programme's, percent per year.
    public let annualRatePercent: DecimalNumber?
    public let flags: [RecordFlag]

    /// - Parameter listFlags: list-level flags (the warning `household_not_in_list`, the
    ///   batch's error `record_unreadable`), placed after the loan's own warnings and
    ///   before its information flags. An error among them stops the computation like
    ///   the loan's own errors.
    init(check: LoanCheck, asOf: CivilDate, dueSoonDays: Int, rules: RuleBook, listFlags: [RecordFlag]) {
        self.asOf = asOf
        loanId = check.loanId
        householdCode = check.householdCode
        program = check.program
        guard let terms = check.terms, !listFlags.containsError else {
            status = nil
            outstanding = nil
            overduePrincipal = nil
            daysOverdue = nil
            overdueBucket = nil
            nextDueOn = nil
            nextDueAmount = nil
            interestDue = nil
            overdueSurcharge = nil
            annualRatePercent = nil
            flags = check.flags + listFlags
            return
        }
        let catalog = rules.flags
        var warnings: [RecordFlag] = []
        var adjusted: [RecordFlag] = []
        var extended: [RecordFlag] = []

        var schedule = LoanSchedule(
            principal: terms.principal, disbursedOn: terms.disbursedOn, maturityOn: terms.maturityOn,
            periodMonths: terms.periodMonths
        )
        for adjustment in terms.termAdjustments {
            let field = "\(LoanField.termAdjustments.name)[\(adjustment.position)]"
            let detail = "\(adjustment.dueOn) → \(adjustment.newDueOn)"
            if schedule.adjust(dueOn: adjustment.dueOn, newDueOn: adjustment.newDueOn) {
                adjusted.append(catalog.flag(.adjusted, field: field, detail: detail))
            } else {
                warnings.append(catalog.flag(.termAdjustmentInvalid, field: field, detail: detail))
            }
        }
        if let extendedTo = terms.extendedTo {
            if extendedTo > terms.maturityOn {
                schedule.extend(to: extendedTo, principalRepaid: terms.principalRepaid)
                extended.append(catalog.flag(.extended, field: LoanField.extendedTo.name, detail: extendedTo.description))
            } else {
                warnings.append(
                    catalog.flag(.extensionInvalid, field: LoanField.extendedTo.name, detail: "\(extendedTo) ≤ \(terms.maturityOn)")
                )
            }
        }
        if let frozen = terms.frozen { schedule.freeze(from: frozen.lowerBound, to: frozen.upperBound) }
        var information = extended + adjusted
        if let foundOn = terms.misuseFoundOn {
            information.append(catalog.flag(.misuse, field: LoanField.misusedFunds.name, detail: foundOn.description))
        }
        var allFlags = check.flags
        for group in [warnings, listFlags, information] where !group.isEmpty { allFlags.append(contentsOf: group) }
        flags = allFlags

        let repaid = terms.principalRepaid
        let balance = max(0, terms.principal - repaid)
        let next = schedule.instalments.indices.first { !schedule.isFullyPaid($0, principalRepaid: repaid) }

        // Overdue instalments, with misuse bringing unpaid parts forward (RULES.md 2.2).
        var overdue: [(dueOn: CivilDate, unpaid: Int)] = []
        overdue.reserveCapacity(schedule.instalments.count)
        for index in schedule.instalments.indices where !schedule.isFullyPaid(index, principalRepaid: repaid) {
            var dueOn = schedule.instalments[index].dueOn
            if let foundOn = terms.misuseFoundOn, foundOn < dueOn { dueOn = foundOn }
            if dueOn < asOf { overdue.append((dueOn, schedule.unpaidPart(index, principalRepaid: repaid))) }
        }

        let computedStatus: LoanStatus
        if let writtenOffOn = terms.writtenOffOn, writtenOffOn <= asOf {
            computedStatus = .writtenOff
        } else if balance <= 0 {
            computedStatus = .settled
        } else if let frozen = terms.frozen, frozen.contains(asOf) {
            computedStatus = .frozen
        } else if !overdue.isEmpty {
            computedStatus = .overdue
        } else if let next, Self.isDueSoon(schedule.instalments[next].dueOn, asOf: asOf, within: dueSoonDays) {
            computedStatus = .dueSoon
        } else {
            computedStatus = .current
        }
        status = computedStatus
        outstanding = balance
        annualRatePercent = terms.annualRatePercent

        if computedStatus == .overdue {
            let earliest = overdue.map(\.dueOn).min()!
            let days = CivilDate.days(from: earliest, to: asOf)
            overduePrincipal = overdue.reduce(0) { $0 + $1.unpaid }
            daysOverdue = days
            overdueBucket = rules.programmes.bucket(daysOverdue: days)
        } else {
            overduePrincipal = 0
            daysOverdue = 0
            overdueBucket = nil
        }

        if let next, computedStatus != .settled && computedStatus != .writtenOff {
            nextDueOn = schedule.instalments[next].dueOn
            nextDueAmount = schedule.unpaidPart(next, principalRepaid: repaid)
        } else {
            nextDueOn = nil
            nextDueAmount = nil
        }

        switch computedStatus {
        case .frozen, .settled, .writtenOff:
            interestDue = 0
            overdueSurcharge = 0
        case .overdue, .dueSoon, .current:
            let interest = LoanInterest(
                rate: terms.annualRatePercent, surchargeRate: rules.programmes.overdueSurchargeRate,
                dayCountBasis: rules.programmes.interestDayCountBasis, freeze: terms.frozen
            )
            interestDue = interest.interest(on: balance, from: terms.interestPaidThrough, to: asOf)
            overdueSurcharge = computedStatus == .overdue
                ? interest.surcharge(on: overdue, interestPaidThrough: terms.interestPaidThrough, asOf: asOf) : 0
        }
    }

    private static func isDueSoon(_ dueOn: CivilDate, asOf: CivilDate, within days: Int) -> Bool {
        let ahead = CivilDate.days(from: asOf, to: dueOn)
        return ahead >= 0 && ahead <= days
    }

    /// The loan status as one line of JSON, fields in SCHEMA.md order.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.openObject()
        writer.key("asOf")
        writer.string(asOf.description)
        writer.key("loanId")
        writer.string(loanId)
        writer.key("householdCode")
        writer.string(householdCode)
        writer.key("program")
        writer.string(program)
        writer.key("status")
        writer.string(status?.rawValue)
        writer.key("outstanding")
        writer.integer(outstanding)
        writer.key("overduePrincipal")
        writer.integer(overduePrincipal)
        writer.key("daysOverdue")
        writer.integer(daysOverdue)
        writer.key("overdueBucket")
        writer.string(overdueBucket)
        writer.key("nextDueOn")
        writer.string(nextDueOn?.description)
        writer.key("nextDueAmount")
        writer.integer(nextDueAmount)
        writer.key("interestDue")
        writer.integer(interestDue)
        writer.key("overdueSurcharge")
        writer.integer(overdueSurcharge)
        writer.key("annualRatePercent")
        writer.decimal(annualRatePercent)
        writer.key("flags")
        writer.openArray()
        for flag in flags { flag.write(to: &writer) }
        writer.closeArray()
        writer.closeObject()
        return writer.finish()
    }
}
