import ChungTayCoding
import ChungTayRules
import Testing

/// RULES.md 1.2 and 1.4: income at the poverty line and one đồng above it, for both
/// areas and both standards, and every class.
@Suite("Income thresholds and classification")
struct ClassificationTests {
    struct Line: CustomTestStringConvertible, Sendable {
        let asOf: String
        let area: String
        let povertyLine: Int
        let bandCeiling: Int?

        var testDescription: String { "\(asOf) \(area)" }
    }

    static let lines: [Line] = [
        Line(asOf: "2026-03-01", area: "rural", povertyLine: 1_500_000, bandCeiling: 2_250_000),
        Line(asOf: "2026-03-01", area: "urban", povertyLine: 2_000_000, bandCeiling: 3_000_000),
        Line(asOf: "2027-03-01", area: "rural", povertyLine: 2_200_000, bandCeiling: nil),
        Line(asOf: "2027-03-01", area: "urban", povertyLine: 2_800_000, bandCeiling: nil),
    ]

    @Test(arguments: lines)
    func incomeAtTheLineIsPoorOrNearPoorAndOneDongAboveIsNot(_ line: Line) throws {
        let threeDeprivations = Fixture.merged(Fixture.threeDeprivations, ["area": .string(line.area)])
        let twoDeprivations = ["area": JSONValue.string(line.area), "unemployedMembers": 1, "hygienicLatrine": false]
        func classify(_ facts: [String: JSONValue], income: Int) throws -> HouseholdReview {
            try Fixture.reviewed(
                Fixture.merged(facts, ["monthlyIncomePerCapita": .number(DecimalNumber(income))]), asOf: line.asOf
            )
        }
        let poor = try classify(threeDeprivations, income: line.povertyLine)
        #expect(poor.classification == .poor)
        #expect(poor.povertyLine == line.povertyLine)
        #expect(try classify(twoDeprivations, income: line.povertyLine).classification == .nearPoor)
        let above = try classify(threeDeprivations, income: line.povertyLine + 1)
        #expect(above.classification == (line.bandCeiling == nil ? .above : .average))
        if let ceiling = line.bandCeiling {
            #expect(try classify(threeDeprivations, income: ceiling).classification == .average)
            #expect(try classify(threeDeprivations, income: ceiling + 1).classification == .above)
        }
    }

    @Test func annualIncomeIsDividedBy12AndMembersAndRoundedDown() throws {
        // 72,000,000 / 12 / 4 = 1,500,000 exactly: at the line.
        let atLine = try Fixture.reviewed(["monthlyIncomePerCapita": nil, "annualHouseholdIncome": 72_000_000])
        #expect(atLine.incomePerCapita == 1_500_000)
        // 72,000,047 / 48 = 1,500,000.98: rounded down, still at the line.
        let roundedDown = try Fixture.reviewed(["monthlyIncomePerCapita": nil, "annualHouseholdIncome": 72_000_047])
        #expect(roundedDown.incomePerCapita == 1_500_000)
        // 72,000,048 / 48 = 1,500,001: one đồng above.
        let above = try Fixture.reviewed(["monthlyIncomePerCapita": nil, "annualHouseholdIncome": 72_000_048])
        #expect(above.incomePerCapita == 1_500_001)
        #expect(above.classification == .average)
    }

    @Test func monthlyIncomeWinsOverAnnualAndFractionsRoundDown() throws {
        let both = try Fixture.reviewed(["monthlyIncomePerCapita": 1_200_000, "annualHouseholdIncome": 500_000_000])
        #expect(both.incomePerCapita == 1_200_000)
        let fractional = try Fixture.reviewed(["monthlyIncomePerCapita": 1_500_000.99])
        #expect(fractional.incomePerCapita == 1_500_000)
    }

    @Test func everyClassOccurs() throws {
        #expect(try Fixture.reviewed(Fixture.threeDeprivations).classification == .poor)
        #expect(try Fixture.reviewed().classification == .nearPoor)
        #expect(try Fixture.reviewed(["monthlyIncomePerCapita": 2_000_000]).classification == .average)
        #expect(try Fixture.reviewed(["monthlyIncomePerCapita": 2_500_000]).classification == .above)
    }
}
