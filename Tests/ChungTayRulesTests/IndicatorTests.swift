import ChungTayCoding
import ChungTayRules
import Testing

/// RULES.md 1.3: each of the 12 indicators on both sides of its threshold, on a
/// household of 4 that is otherwise not deprived on anything.
@Suite("Deprivation indicators")
struct IndicatorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let indicator: String
        let deprived: [String: JSONValue]
        let notDeprived: [String: JSONValue]

        var testDescription: String { indicator }
    }

    static let cases: [Case] = [
        Case(indicator: "employment", deprived: ["unemployedMembers": 1], notDeprived: ["unemployedMembers": 0]),
        Case(indicator: "employment", deprived: ["noContractWageMembers": 1], notDeprived: ["noContractWageMembers": 0]),
        // 3 of 4 is above half; 2 of 4 is exactly half, which is not above it.
        Case(indicator: "dependants", deprived: ["dependants": 3], notDeprived: ["dependants": 2]),
        Case(indicator: "nutrition", deprived: ["malnourishedChildren": 1], notDeprived: ["malnourishedChildren": 0]),
        Case(indicator: "health_insurance", deprived: ["uninsuredMembersAged6Plus": 1], notDeprived: ["uninsuredMembersAged6Plus": 0]),
        Case(indicator: "adult_education", deprived: ["undereducatedAdults16to30": 1], notDeprived: ["undereducatedAdults16to30": 0]),
        Case(indicator: "child_schooling", deprived: ["childrenOutOfSchool3to15": 1], notDeprived: ["childrenOutOfSchool3to15": 0]),
        Case(indicator: "housing_quality", deprived: ["nonDurableHousingParts": 2], notDeprived: ["nonDurableHousingParts": 1]),
        // 31.99 m² / 4 < 8; exactly 32 m² / 4 = 8 is not deprived.
        Case(indicator: "housing_area", deprived: ["housingAreaM2": 31.99], notDeprived: ["housingAreaM2": 32]),
        Case(indicator: "drinking_water", deprived: ["safeWater": false], notDeprived: ["safeWater": true]),
        Case(indicator: "latrine", deprived: ["hygienicLatrine": false], notDeprived: ["hygienicLatrine": true]),
        Case(indicator: "telecom", deprived: ["telecomUse": false], notDeprived: ["telecomUse": true]),
        Case(indicator: "information_access", deprived: ["informationDevices": false], notDeprived: ["informationDevices": true]),
    ]

    @Test(arguments: cases)
    func indicatorFlipsAtItsThreshold(_ example: Case) throws {
        for standard in ["2022-2025", "2027-2030"] {
            let deprived = try Fixture.reviewed(example.deprived, standard: standard)
            let notDeprived = try Fixture.reviewed(example.notDeprived, standard: standard)
            #expect(deprived.deprivations == [example.indicator])
            #expect(deprived.deprivationCount == 1)
            #expect(notDeprived.deprivations == [])
        }
    }

    @Test func employmentAddsBothKindsOfMembers() throws {
        let review = try Fixture.reviewed(["unemployedMembers": 0, "noContractWageMembers": 0])
        #expect(review.deprivations == [])
    }

    @Test func absentYesNoFactsDefaultToNotDeprived() throws {
        #expect(try Fixture.reviewed().deprivations == [])
    }

    @Test func housingAreaPerPersonIsExactForFractionalAreas() throws {
        // 3 members: 24.0 m² is 8 per person (not deprived), 23.9 is not enough.
        let exact = try Fixture.reviewed(["members": 3, "housingAreaM2": 24.0])
        let short = try Fixture.reviewed(["members": 3, "housingAreaM2": 23.9])
        #expect(exact.deprivations == [])
        #expect(short.deprivations == ["housing_area"])
    }

    @Test func deprivationsAreListedInTableOrder() throws {
        let review = try Fixture.reviewed([
            "informationDevices": false, "unemployedMembers": 1, "housingAreaM2": 10, "malnourishedChildren": 1,
        ])
        #expect(review.deprivations == ["employment", "nutrition", "housing_area", "information_access"])
        #expect(review.deprivationCount == 4)
    }
}
