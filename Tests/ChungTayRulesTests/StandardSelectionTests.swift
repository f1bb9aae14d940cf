import ChungTayRules
import Testing

/// RULES.md 1.1 and 1.6: the standard by as-of date, a forced standard, and what-if.
@Suite("Standard selection and what-if")
struct StandardSelectionTests {
    @Test func lastDayOf2026UsesTheOldStandardAndFirstDayOf2027TheNew() throws {
        let lastOld = try Fixture.reviewed(asOf: "2026-12-31")
        #expect(lastOld.standard == "2022-2025")
        #expect(lastOld.povertyLine == 1_500_000)
        let firstNew = try Fixture.reviewed(asOf: "2027-01-01")
        #expect(firstNew.standard == "2027-2030")
        #expect(firstNew.povertyLine == 2_200_000)
    }

    @Test(arguments: ["2031-02-01", "2021-12-31"])
    func aDateOutsideEveryStandardIsNoStandard(_ asOf: String) {
        #expect(throws: TaskRejection(code: "no_standard", message: "no poverty standard covers \(asOf)")) {
            try Fixture.reviewed(asOf: asOf)
        }
    }

    @Test func aForcedStandardAppliesWhateverTheDate() throws {
        #expect(try Fixture.reviewed(asOf: "2026-06-01", standard: "2027-2030").povertyLine == 2_200_000)
        #expect(try Fixture.reviewed(asOf: "2031-02-01", standard: "2027-2030").standard == "2027-2030")
        #expect(try Fixture.reviewed(asOf: "2027-06-01", standard: "2022-2025").povertyLine == 1_500_000)
    }

    @Test func anUnknownForcedStandardIsRejected() {
        #expect {
            try Fixture.reviewed(standard: "2016-2020")
        } throws: { error in
            (error as? TaskRejection)?.code == "standard_unknown"
        }
    }

    @Test func whatIfReportsTheOtherStandardsView() throws {
        // 1,800,000 rural with 3 deprivations: average under 2022-2025 (band up to 2,250,000),
        // poor under 2027-2030 (line 2,200,000).
        let facts = Fixture.merged(Fixture.threeDeprivations, ["monthlyIncomePerCapita": 1_800_000, "listStatus": "poor"])
        let review = try Fixture.reviewed(facts, asOf: "2026-10-01", whatIf: true)
        #expect(review.classification == .average)
        #expect(review.current == .newlyEscaped)
        let whatIf = try #require(review.whatIf)
        #expect(whatIf.standard == "2027-2030")
        #expect(whatIf.classification == .poor)
        #expect(whatIf.current == .poor)
        #expect(whatIf.changesClass)

        let forcedNew = try Fixture.reviewed(facts, asOf: "2026-10-01", whatIf: true, standard: "2027-2030")
        #expect(forcedNew.whatIf?.standard == "2022-2025")
        #expect(forcedNew.whatIf?.current == .newlyEscaped)
    }

    @Test func whatIfWithTheSameClassDoesNotChangeClass() throws {
        let review = try Fixture.reviewed(Fixture.threeDeprivations, whatIf: true)
        #expect(review.whatIf?.changesClass == false)
        #expect(review.whatIf?.classification == .poor)
        #expect(try Fixture.reviewed().whatIf == nil)
    }
}
