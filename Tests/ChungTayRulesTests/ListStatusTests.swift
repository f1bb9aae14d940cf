import ChungTayCoding
import ChungTayRules
import Testing

/// RULES.md 1.5: current status, every change value, the 3-year newly-escaped period,
/// programme eligibility and the priority score.
@Suite("List status, changes, eligibility and priority")
struct ListStatusTests {
    /// Income above the line: class average under 2022-2025.
    static let average: [String: JSONValue] = ["monthlyIncomePerCapita": 1_800_000]
    static let nearPoor: [String: JSONValue] = [:]

    private func review(_ facts: [String: JSONValue], listStatus: String?, since: String? = nil, asOf: String = "2026-03-01") throws -> HouseholdReview {
        var changes = facts
        if let listStatus { changes["listStatus"] = .string(listStatus) }
        if let since { changes["listStatusSince"] = .string(since) }
        return try Fixture.reviewed(changes, asOf: asOf)
    }

    @Test func everyChangeValue() throws {
        let entered = try review(Fixture.threeDeprivations, listStatus: nil)
        #expect((entered.previous, entered.current, entered.change) == (ListStatus.none, .poor, .enteredPoverty))
        #expect(try review(Self.nearPoor, listStatus: "average").change == .enteredPoverty)
        #expect(try review(Self.nearPoor, listStatus: "poor").change == .poorToNearPoor)
        #expect(try review(Fixture.threeDeprivations, listStatus: "near_poor").change == .nearPoorToPoor)
        let escaped = try review(Self.average, listStatus: "poor")
        #expect((escaped.classification, escaped.current, escaped.change) == (.average, .newlyEscaped, .escaped))
        #expect(escaped.escapedOn == Fixture.date("2026-03-01"))
        #expect(try review(["monthlyIncomePerCapita": 5_000_000], listStatus: "near_poor").change == .escaped)
        let expired = try review(Self.average, listStatus: "newly_escaped", since: "2023-03-01")
        #expect((expired.current, expired.change, expired.escapedOn) == (.average, .newlyEscapedExpired, nil))
        #expect(try review(Fixture.threeDeprivations, listStatus: "newly_escaped", since: "2025-06-01").change == .reentered)
        #expect(try review(Self.nearPoor, listStatus: "newly_escaped", since: "2020-01-01").change == .reentered)
        #expect(try review(["monthlyIncomePerCapita": 5_000_000], listStatus: "average").change == ListChange.none)
        #expect(try review(Fixture.threeDeprivations, listStatus: "poor").change == ListChange.none)
        #expect(try review(Self.average, listStatus: "newly_escaped", since: "2025-01-01").change == ListChange.none)
        #expect(try review(Self.average, listStatus: nil).change == ListChange.none)
    }

    @Test func newlyEscapedLastsUntilTheDayBeforeThreeYearsLater() throws {
        let lastDay = try review(Self.average, listStatus: "newly_escaped", since: "2023-03-02", asOf: "2026-03-01")
        #expect(lastDay.current == .newlyEscaped)
        #expect(lastDay.escapedOn == Fixture.date("2023-03-02"))
        let boundary = try review(Self.average, listStatus: "newly_escaped", since: "2023-03-02", asOf: "2026-03-02")
        #expect(boundary.current == .average)
        #expect(boundary.change == .newlyEscapedExpired)
    }

    @Test func threeYearsFrom29FebruaryEndsOn28February() throws {
        // 2024-02-29 + 3 years = 2027-02-28 (2027 has no 29 February); reviewed under 2027-2030,
        // where 2,500,000 rural is above the 2,200,000 line.
        let income: [String: JSONValue] = ["monthlyIncomePerCapita": 2_500_000]
        let before = try review(income, listStatus: "newly_escaped", since: "2024-02-29", asOf: "2027-02-27")
        #expect(before.current == .newlyEscaped)
        let onTheDay = try review(income, listStatus: "newly_escaped", since: "2024-02-29", asOf: "2027-02-28")
        #expect(onTheDay.current == .above)
        #expect(onTheDay.change == .newlyEscapedExpired)
    }

    @Test func programmeEligibilityInTableOrder() throws {
        let poor = try Fixture.reviewed(Fixture.threeDeprivations)
        #expect(poor.eligiblePrograms == ["poor_household", "student", "clean_water_sanitation"])
        let nearPoorUrban = try Fixture.reviewed(["area": "urban"])
        #expect(nearPoorUrban.eligiblePrograms == ["near_poor_household", "student"])
        let escaped = try Fixture.reviewed(Fixture.merged(Self.average, ["listStatus": "poor"]))
        #expect(escaped.eligiblePrograms == ["newly_escaped_household", "student", "clean_water_sanitation"])
        let averageUrban = try Fixture.reviewed(["area": "urban", "monthlyIncomePerCapita": 2_500_000])
        #expect(averageUrban.eligiblePrograms == ["student"])
        let aboveRural = try Fixture.reviewed(["monthlyIncomePerCapita": 9_000_000])
        #expect(aboveRural.eligiblePrograms == ["clean_water_sanitation"])
        let aboveUrban = try Fixture.reviewed(["area": "urban", "monthlyIncomePerCapita": 9_000_000])
        #expect(aboveUrban.eligiblePrograms == [])
    }

    @Test func priorityScore() throws {
        // poor 3 + ethnic minority 2 + especially difficult area 2 + (5 deprivations − 3) = 9
        let priority = try Fixture.reviewed(Fixture.merged(Fixture.threeDeprivations, [
            "ethnicMinority": true, "especiallyDifficultArea": true, "telecomUse": false, "safeWater": false,
        ]))
        #expect(priority.deprivationCount == 5)
        #expect(priority.priorityScore == 9)
        #expect(try Fixture.reviewed(Fixture.threeDeprivations).priorityScore == 3)
        #expect(try Fixture.reviewed(["ethnicMinority": true]).priorityScore == 4)
        let escaped = try Fixture.reviewed(Fixture.merged(Self.average, ["listStatus": "poor", "especiallyDifficultArea": true]))
        #expect(escaped.priorityScore == 3)
        #expect(try Fixture.reviewed(Fixture.merged(Self.average, ["ethnicMinority": true])).priorityScore == 0)
    }
}
