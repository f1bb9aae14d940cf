import ChungTayCoding
import ChungTayRules
import Testing

/// RULES.md 2.4, worked by hand. Interest is outstanding × rate × days / 365, the
/// surcharge is unpaid × rate × 0.30 × days / 365; each is computed exactly and rounded
/// half up once.
///
/// The loan: 12,000,000 at 6.60% (poor_household), disbursed 2025-01-15, maturity
/// 2027-01-15, yearly instalments of 6,000,000 due 2026-01-15 and 2027-01-15.
@Suite("Interest and overdue surcharge")
struct InterestTests {
    static let yearly: [String: JSONValue] = ["repaymentPeriodMonths": 12]

    @Test func interestOnACurrentLoan() {
        // days(2025-01-15, 2025-07-15) = 16 + 28 + 31 + 30 + 31 + 30 + 15 = 181
        // 12,000,000 × 6.60% = 792,000 a year; 792,000 × 181 / 365 = 143,352,000 / 365
        //   = 392,745.205… → 392,745
        let status = Fixture.status(Self.yearly, asOf: "2025-07-15")
        #expect(status.status == .current)
        #expect(status.interestDue == 392_745)
        #expect(status.overdueSurcharge == 0)
    }

    @Test func interestAndSurchargeOnAnOverdueInstalment() {
        // Interest paid through 2025-12-31; as of 2026-03-01 the 2026-01-15 instalment is overdue.
        // Interest: days(2025-12-31, 2026-03-01) = 31 + 28 + 1 = 60
        //   792,000 × 60 / 365 = 47,520,000 / 365 = 130,191.78… → 130,192
        // Surcharge: days(max(2026-01-15, 2025-12-31), 2026-03-01) = 16 + 28 + 1 = 45
        //   6,000,000 × 6.60% × 0.30 = 118,800 a year; 118,800 × 45 / 365 = 5,346,000 / 365
        //   = 14,646.575… → 14,647
        let status = Fixture.status(Fixture.merged(Self.yearly, ["interestPaidThrough": "2025-12-31"]), asOf: "2026-03-01")
        #expect(status.status == .overdue)
        #expect(status.overduePrincipal == 6_000_000)
        #expect(status.daysOverdue == 45)
        #expect(status.interestDue == 130_192)
        #expect(status.overdueSurcharge == 14_647)
    }

    @Test func surchargeDaysStartAtInterestPaidThroughWhenThatIsLater() {
        // Interest: days(2026-02-01, 2026-03-01) = 28; 792,000 × 28 / 365 = 22,176,000 / 365
        //   = 60,756.16… → 60,756
        // Surcharge: days(max(2026-01-15, 2026-02-01), 2026-03-01) = 28;
        //   118,800 × 28 / 365 = 3,326,400 / 365 = 9,113.42… → 9,113
        let status = Fixture.status(Fixture.merged(Self.yearly, ["interestPaidThrough": "2026-02-01"]), asOf: "2026-03-01")
        #expect(status.interestDue == 60_756)
        #expect(status.overdueSurcharge == 9_113)
    }

    @Test func exactlyHalfADongRoundsUp() {
        // 15,151,750 × 6.60% × 365 / 365 = 1,000,015.5 exactly → 1,000,016 (half up, once).
        let status = Fixture.status(
            ["principal": 15_151_750, "disbursedOn": "2025-01-01", "maturityOn": "2027-01-01", "repaymentPeriodMonths": 24],
            asOf: "2026-01-01"
        )
        #expect(status.interestDue == 1_000_016)
    }

    @Test func daysInsideAFreezeBearNoInterest() {
        // The freeze 2025-03-01..2025-03-31 takes 31 of the 181 days: 792,000 × 150 / 365
        //   = 118,800,000 / 365 = 325,479.45… → 325,479
        let status = Fixture.status(
            Fixture.merged(Self.yearly, ["frozenFrom": "2025-03-01", "frozenTo": "2025-03-31"]), asOf: "2025-07-15"
        )
        #expect(status.status == .current)
        #expect(status.interestDue == 325_479)
    }

    @Test func theLoansOwnRateIsUsed() {
        // 12,000,000 × 7.5% = 900,000 a year; 900,000 × 181 / 365 = 162,900,000 / 365
        //   = 446,301.36… → 446,301
        let status = Fixture.status(Fixture.merged(Self.yearly, ["annualRatePercent": 7.5]), asOf: "2025-07-15")
        #expect(status.interestDue == 446_301)
    }

    @Test func settledAndWrittenOffLoansBearNothing() {
        #expect(Fixture.status(["principalRepaid": 12_000_000], asOf: "2025-07-15").interestDue == 0)
        #expect(Fixture.status(["writtenOffOn": "2025-07-01"], asOf: "2025-07-15").interestDue == 0)
    }
}
