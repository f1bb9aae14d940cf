import ChungTayCoding
import ChungTayRules
import Testing

/// RULES.md 2.2 and 2.3: the schedule (with month-end clamping), adjustments,
/// extension, freeze, write-off, misuse, and every status and bucket boundary.
///
/// The fixture loan: 12,000,000 disbursed 2025-01-15, maturity 2027-01-15, every 4
/// months, so six instalments of 2,000,000 due 2025-05-15, 2025-09-15, 2026-01-15,
/// 2026-05-15, 2026-09-15 and 2027-01-15.
@Suite("Loan schedule and status")
struct LoanScheduleTests {
    /// The due date and amount of the next unpaid instalment for each amount repaid.
    private func nextDues(_ changes: [String: JSONValue], repaidSteps: [Int], asOf: String) -> [String] {
        repaidSteps.map { repaid in
            let status = Fixture.status(Fixture.merged(changes, ["principalRepaid": .number(DecimalNumber(repaid))]), asOf: asOf)
            return "\(status.nextDueOn?.description ?? "-") \(status.nextDueAmount.map(String.init) ?? "-")"
        }
    }

    @Test func instalmentsFromThe31stClampToMonthEnds() {
        let monthly: [String: JSONValue] = [
            "principal": 6_000_000, "disbursedOn": "2025-01-31", "maturityOn": "2025-07-31", "repaymentPeriodMonths": 1,
        ]
        #expect(nextDues(monthly, repaidSteps: [0, 1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000], asOf: "2025-02-01") == [
            "2025-02-28 1000000", "2025-03-31 1000000", "2025-04-30 1000000", "2025-05-31 1000000",
            "2025-06-30 1000000", "2025-07-31 1000000",
        ])
        let leapYear: [String: JSONValue] = [
            "principal": 2_000_000, "disbursedOn": "2024-01-31", "maturityOn": "2024-03-31", "repaymentPeriodMonths": 1,
        ]
        #expect(nextDues(leapYear, repaidSteps: [0, 1_000_000], asOf: "2024-02-01") == ["2024-02-29 1000000", "2024-03-31 1000000"])
    }

    @Test func theRulesExampleHas23MonthsAndFourHalfYearlyInstalments() {
        // months(2025-01-20, 2027-01-15) = 23, k = ceil(23 / 6) = 4, 10,000,001 / 4 = 2,500,000
        // with the remainder 1 on the last instalment, which falls on the maturity date.
        let loan: [String: JSONValue] = [
            "principal": 10_000_001, "disbursedOn": "2025-01-20", "maturityOn": "2027-01-15", "repaymentPeriodMonths": 6,
        ]
        #expect(nextDues(loan, repaidSteps: [0, 2_500_000, 5_000_000, 7_500_000, 9_000_000], asOf: "2025-02-01") == [
            "2025-07-20 2500000", "2026-01-20 2500000", "2026-07-20 2500000", "2027-01-15 2500001", "2027-01-15 1000001",
        ])
    }

    @Test func aValidTermAdjustmentMovesAnInstalmentUpToTheNextDueDate() {
        let adjusted = Fixture.status(
            ["principalRepaid": 4_000_000, "termAdjustments": [["dueOn": "2026-01-15", "newDueOn": "2026-05-15"]]],
            asOf: "2026-02-01"
        )
        #expect(adjusted.nextDueOn == Fixture.date("2026-05-15"))
        #expect(adjusted.status == .current)
        #expect(adjusted.flagCodes == ["adjusted"])
        #expect(adjusted.flags[0].severity == .info)
        #expect(adjusted.flags[0].field == "termAdjustments[0]")
    }

    @Test(arguments: [
        ("2026-01-15", "2026-05-16"), // later than the next instalment's due date
        ("2026-01-15", "2026-01-15"), // not later than the current due date
        ("2026-01-15", "2025-12-01"), // earlier
        ("2026-01-16", "2026-02-01"), // names no instalment
        ("2027-01-15", "2027-02-15"), // the maturity cannot move
    ])
    func anInvalidTermAdjustmentIsIgnoredWithAWarning(_ dueOn: String, _ newDueOn: String) {
        let status = Fixture.status(
            ["principalRepaid": 4_000_000, "termAdjustments": [["dueOn": .string(dueOn), "newDueOn": .string(newDueOn)]]],
            asOf: "2026-02-01"
        )
        #expect(status.flagCodes == ["term_adjustment_invalid"])
        #expect(status.flags[0].severity == .warning)
        #expect(status.nextDueOn == Fixture.date("2026-01-15"))
        #expect(status.status == .overdue)
    }

    @Test func adjustmentsApplyInListOrder() {
        let status = Fixture.status(
            [
                "principalRepaid": 4_000_000,
                "termAdjustments": [
                    ["dueOn": "2026-01-15", "newDueOn": "2026-03-01"], ["dueOn": "2026-03-01", "newDueOn": "2026-04-01"],
                ],
            ],
            asOf: "2026-02-01"
        )
        #expect(status.flagCodes == ["adjusted", "adjusted"])
        #expect(status.nextDueOn == Fixture.date("2026-04-01"))
    }

    @Test func aValidExtensionMovesEveryUnpaidInstalmentAndTheMaturity() {
        let extended = Fixture.status(["principalRepaid": 4_000_000, "extendedTo": "2027-06-30"], asOf: "2026-06-01")
        #expect(extended.status == .current)
        #expect(extended.nextDueOn == Fixture.date("2027-06-30"))
        #expect(extended.nextDueAmount == 2_000_000)
        #expect(extended.flagCodes == ["extended"])
        #expect(extended.flags[0].severity == .info)
    }

    @Test func anExtensionNotAfterTheMaturityIsIgnoredWithAWarning() {
        let status = Fixture.status(["principalRepaid": 4_000_000, "extendedTo": "2027-01-15"], asOf: "2026-06-01")
        #expect(status.flagCodes == ["extension_invalid"])
        #expect(status.status == .overdue)
        #expect(status.overduePrincipal == 4_000_000)
    }

    @Test func aFrozenLoanReportsNoOverdueAndItsInstalmentsResumeAfterTheFreeze() {
        let freeze: [String: JSONValue] = ["principalRepaid": 4_000_000, "frozenFrom": "2026-01-01", "frozenTo": "2026-06-30"]
        let during = Fixture.status(freeze, asOf: "2026-03-01")
        #expect(during.status == .frozen)
        #expect((during.overduePrincipal, during.daysOverdue, during.overdueBucket) == (0, 0, nil))
        #expect((during.interestDue, during.overdueSurcharge) == (0, 0))
        #expect(during.nextDueOn == Fixture.date("2026-07-01"))
        let after = Fixture.status(freeze, asOf: "2026-07-10")
        #expect(after.status == .overdue)
        #expect(after.overduePrincipal == 4_000_000)
        #expect(after.daysOverdue == 9)
    }

    @Test func aWrittenOffLoanHasNothingDue() {
        let writtenOff = Fixture.status(["writtenOffOn": "2026-02-01"], asOf: "2026-02-01")
        #expect(writtenOff.status == .writtenOff)
        #expect(writtenOff.outstanding == 12_000_000)
        #expect((writtenOff.nextDueOn, writtenOff.nextDueAmount) == (nil, nil))
        #expect((writtenOff.interestDue, writtenOff.overdueSurcharge) == (0, 0))
        #expect(Fixture.status(["writtenOffOn": "2026-02-02"], asOf: "2026-02-01").status == .overdue)
    }

    @Test func misuseMakesEveryUnpaidPartDueWhenFoundButDoesNotMoveNextDue() {
        let misused = Fixture.status(["misusedFunds": true, "misuseFoundOn": "2025-07-01"], asOf: "2025-08-01")
        #expect(misused.status == .overdue)
        #expect(misused.overduePrincipal == 12_000_000)
        // The earliest part stays on its own, earlier due date: 2025-05-15 to 2025-08-01 is 78 days.
        #expect(misused.daysOverdue == 78)
        #expect(misused.nextDueOn == Fixture.date("2025-05-15"))
        #expect(misused.flagCodes == ["misuse"])
    }

    @Test func overpaidIsAWarningAndTheLoanIsSettled() {
        let overpaid = Fixture.status(["principalRepaid": 13_000_000], asOf: "2025-06-01")
        #expect(overpaid.flagCodes == ["overpaid"])
        #expect(overpaid.status == .settled)
        #expect(overpaid.outstanding == 0)
        #expect(overpaid.nextDueOn == nil)
    }

    @Test func statusBoundaries() {
        #expect(Fixture.status(asOf: "2025-04-14").status == .current) // 31 days ahead
        #expect(Fixture.status(asOf: "2025-04-15").status == .dueSoon) // 30 days ahead
        #expect(Fixture.status(asOf: "2025-05-15").status == .dueSoon) // due today
        let dayAfter = Fixture.status(asOf: "2025-05-16")
        #expect(dayAfter.status == .overdue)
        #expect((dayAfter.overduePrincipal, dayAfter.daysOverdue, dayAfter.overdueBucket) == (2_000_000, 1, "1-90"))
        #expect(Fixture.status(["principalRepaid": 12_000_000], asOf: "2025-06-01").status == .settled)
        #expect(Fixture.status(asOf: "2025-04-01", dueSoonDays: 44).status == .dueSoon)
        #expect(Fixture.status(asOf: "2025-03-31", dueSoonDays: 44).status == .current)
        let current = Fixture.status(asOf: "2025-02-01")
        #expect((current.overduePrincipal, current.daysOverdue, current.overdueBucket) == (0, 0, nil))
    }

    @Test(arguments: [(1, "1-90"), (90, "1-90"), (91, "91-180"), (180, "91-180"), (181, "181-360"), (360, "181-360"), (361, ">360")])
    func overdueBuckets(_ days: Int, _ bucket: String) {
        let loan: [String: JSONValue] = [
            "principal": 10_000_000, "disbursedOn": "2024-01-01", "maturityOn": "2025-01-01", "repaymentPeriodMonths": 12,
        ]
        let status = Fixture.status(loan, asOf: Fixture.date("2025-01-01").adding(days: days).description)
        #expect(status.daysOverdue == days)
        #expect(status.overdueBucket == bucket)
    }
}

/// RULES.md 2.1 loan checks.
@Suite("Loan checks")
struct LoanCheckTests {
    struct ErrorCase: CustomTestStringConvertible, Sendable {
        let changes: [String: JSONValue]
        let code: String
        let field: String

        init(_ changes: [String: JSONValue], _ code: String, _ field: String) {
            self.changes = changes
            self.code = code
            self.field = field
        }

        var testDescription: String { "\(code) \(field)" }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(["loanId": nil], "field_missing", "loanId"),
        ErrorCase(["program": ""], "field_missing", "program"),
        ErrorCase(["frozenTo": "2026-01-31"], "field_missing", "frozenFrom"),
        ErrorCase(["frozenFrom": "2026-01-01"], "field_missing", "frozenTo"),
        ErrorCase(["misusedFunds": "có"], "field_missing", "misuseFoundOn"),
        ErrorCase(["program": "gold_loan"], "field_invalid", "program"),
        ErrorCase(["principal": 0], "field_invalid", "principal"),
        ErrorCase(["principal": 1.5], "field_invalid", "principal"),
        ErrorCase(["repaymentPeriodMonths": 0], "field_invalid", "repaymentPeriodMonths"),
        ErrorCase(["principalRepaid": -1], "field_invalid", "principalRepaid"),
        ErrorCase(["annualRatePercent": -2], "field_invalid", "annualRatePercent"),
        ErrorCase(["termAdjustments": "2026-01-15"], "field_invalid", "termAdjustments"),
        ErrorCase(["termAdjustments": [["dueOn": "2026-01-15"]]], "field_invalid", "termAdjustments"),
        ErrorCase(["misusedFunds": "maybe"], "field_invalid", "misusedFunds"),
        ErrorCase(["loanId": 7], "field_invalid", "loanId"),
        ErrorCase(["disbursedOn": "2025-02-30"], "date_invalid", "disbursedOn"),
        ErrorCase(["maturityOn": "2025-01-15"], "date_invalid", "maturityOn"),
        ErrorCase(["frozenFrom": "2026-02-01", "frozenTo": "2026-01-31"], "date_invalid", "frozenTo"),
        ErrorCase(["termAdjustments": [["dueOn": "2026-01-15", "newDueOn": "15/03/2026"]]], "date_invalid", "termAdjustments[0].newDueOn"),
        ErrorCase(["writtenOffOn": "yesterday"], "date_invalid", "writtenOffOn"),
    ]

    @Test(arguments: errorCases)
    func anErrorStopsTheComputation(_ example: ErrorCase) {
        let status = Fixture.status(example.changes, asOf: "2026-03-01")
        #expect(status.flagCodes == [example.code])
        #expect(status.flags.first?.field == example.field)
        #expect(status.flags.first?.severity == .error)
        #expect(status.status == nil)
        #expect(status.outstanding == nil)
        #expect(status.nextDueOn == nil)
        #expect(status.interestDue == nil)
        #expect(status.annualRatePercent == nil)
    }

    @Test func principalAboveTheProgrammeMaximumIsOnlyAWarning() {
        let status = Fixture.status(["principal": 150_000_000], asOf: "2025-02-01")
        #expect(status.flagCodes == ["principal_above_programme_max"])
        #expect(status.status == .current)
        #expect(Fixture.status(["principal": 150_000_000, "program": "student"], asOf: "2025-02-01").flags.isEmpty)
    }

    @Test func theLoansOwnRateOverridesTheProgrammeRate() {
        #expect(Fixture.status(asOf: "2025-02-01").annualRatePercent == DecimalNumber(units: 66, scale: 1))
        #expect(Fixture.status(["annualRatePercent": "7.5"], asOf: "2025-02-01").annualRatePercent == DecimalNumber(units: 75, scale: 1))
        #expect(Fixture.status(["program": "housing_poor"], asOf: "2025-02-01").annualRatePercent == DecimalNumber(3))
    }

    @Test func aLoanOfAHouseholdNotInTheBatchGetsAWarning() {
        let statuses = loanStatuses(
            loans: [Fixture.loan(), Fixture.loan(["loanId": "L-2", "householdCode": "TL-9999", "extendedTo": "2027-06-30"])],
            householdCodes: ["TL-0001"], asOf: Fixture.date("2025-02-01"), rules: Fixture.rules
        )
        #expect(statuses.map(\.flagCodes) == [[], ["household_not_in_list", "extended"]])
        #expect(statuses[1].flags[0].severity == .warning)
    }
}

/// Absurd but well-typed values must give a result, never a trap.
@Suite("Loan extremes")
struct LoanExtremeTests {
    @Test func hugeNumbersDoNotTrap() {
        let status = Fixture.status(
            ["principal": 9_000_000_000_000_000_000, "repaymentPeriodMonths": 9_000_000_000_000_000_000, "annualRatePercent": 900_000_000],
            asOf: "2026-03-01"
        )
        // One instalment, due on the maturity date; the interest saturates instead of overflowing.
        #expect(status.status == .current)
        #expect(status.flagCodes == ["principal_above_programme_max"])
        #expect((status.interestDue ?? 0) > 0)
        let unrepresentable = Fixture.status(["principal": 1e40], asOf: "2026-03-01")
        #expect(unrepresentable.flagCodes == ["field_invalid"])
    }
}
