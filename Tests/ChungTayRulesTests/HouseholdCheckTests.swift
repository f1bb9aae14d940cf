import ChungTayCoding
import ChungTayRules
import Testing

/// RULES.md 1.7: every record check code with its field, severity and order, and what
/// an error does to the review.
@Suite("Household record checks")
struct HouseholdCheckTests {
    private func flags(_ changes: [String: JSONValue]) throws -> [(String, String, Severity)] {
        try Fixture.reviewed(changes).flags.map { ($0.code.rawValue, $0.field, $0.severity) }
    }

    private func expectFlags(_ changes: [String: JSONValue], _ expected: [(String, String, Severity)], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let actual = try flags(changes)
        #expect(actual.map(\.0) == expected.map(\.0), sourceLocation: sourceLocation)
        #expect(actual.map(\.1) == expected.map(\.1), sourceLocation: sourceLocation)
        #expect(actual.map(\.2) == expected.map(\.2), sourceLocation: sourceLocation)
    }

    @Test func aCleanRecordHasNoFlags() throws {
        try expectFlags([:], [])
    }

    @Test func fieldMissing() throws {
        try expectFlags(["householdCode": nil, "headName": "   ", "commune": ""], [
            ("field_missing", "householdCode", .error), ("field_missing", "headName", .error), ("field_missing", "commune", .error),
        ])
        try expectFlags(["listStatus": "newly_escaped"], [("field_missing", "listStatusSince", .error)])
    }

    @Test func fieldInvalid() throws {
        try expectFlags(["householdCode": 42], [("field_invalid", "householdCode", .error)])
        try expectFlags(["unemployedMembers": -1], [("field_invalid", "unemployedMembers", .error)])
        try expectFlags(["dependants": 1.5], [("field_invalid", "dependants", .error)])
        try expectFlags(["malnourishedChildren": "two"], [("field_invalid", "malnourishedChildren", .error)])
        try expectFlags(["nonDurableHousingParts": 4], [("field_invalid", "nonDurableHousingParts", .error)])
        try expectFlags(["nonDurableHousingParts": -1], [("field_invalid", "nonDurableHousingParts", .error)])
        try expectFlags(["housingAreaM2": "large"], [("field_invalid", "housingAreaM2", .error)])
        try expectFlags(["safeWater": "maybe"], [("field_invalid", "safeWater", .error)])
        try expectFlags(["telecomUse": 1], [("field_invalid", "telecomUse", .error)])
        try expectFlags(["listStatus": "rich"], [("field_invalid", "listStatus", .error)])
        try expectFlags(["association": "bankers"], [("field_invalid", "association", .error)])
        try expectFlags(["village": ["Thôn 1"], "phone": 912_345_678], [
            ("field_invalid", "village", .error), ("field_invalid", "phone", .error),
        ])
    }

    @Test func csvSpellingsAreAccepted() throws {
        let review = try Fixture.reviewed([
            "members": "4", "monthlyIncomePerCapita": " 1400000 ", "unemployedMembers": "1", "safeWater": "KHÔNG",
            "hygienicLatrine": "0", "telecomUse": "Có", "informationDevices": "TRUE", "ethnicMinority": "1",
            "especiallyDifficultArea": "", "housingAreaM2": "31.5", "nonDurableHousingParts": "",
        ])
        #expect(review.flags.isEmpty)
        #expect(review.deprivations == ["employment", "housing_area", "drinking_water", "latrine"])
        #expect(review.priorityScore == 3 + 2 + 1)
    }

    @Test(arguments: [JSONValue.string("12345"), .string("06012345678a"), .number(DecimalNumber(60_123_456_789)), .null, .string("060 123 456 789"), .string("٠٦٠١٢٣٤٥٦٧٨٩")])
    func citizenIdFormat(_ citizenId: JSONValue) throws {
        try expectFlags(["citizenId": citizenId], [("citizen_id_format", "citizenId", .error)])
    }

    @Test func citizenIdProvinceIsAWarningThatKeepsClassification() throws {
        try expectFlags(["citizenId": "097123456789"], [("citizen_id_province", "citizenId", .warning)])
        try expectFlags(["citizenId": "000123456789"], [("citizen_id_province", "citizenId", .warning)])
        try expectFlags(["citizenId": "001123456789"], [])
        try expectFlags(["citizenId": "096123456789"], [])
        #expect(try Fixture.reviewed(["citizenId": "097123456789"]).classification == .nearPoor)
    }

    @Test(arguments: [JSONValue.number(DecimalNumber(0)), .null, .string("x"), .number(DecimalNumber(units: 25, scale: 1)!), .number(DecimalNumber(-3))])
    func membersInvalid(_ members: JSONValue) throws {
        try expectFlags(["members": members], [("members_invalid", "members", .error)])
    }

    @Test func incomeMissing() throws {
        try expectFlags(["monthlyIncomePerCapita": nil], [("income_missing", "monthlyIncomePerCapita", .error)])
        try expectFlags(["monthlyIncomePerCapita": -1], [("income_missing", "monthlyIncomePerCapita", .error)])
        try expectFlags(["monthlyIncomePerCapita": nil, "annualHouseholdIncome": "a lot"], [
            ("income_missing", "annualHouseholdIncome", .error),
        ])
        try expectFlags(["annualHouseholdIncome": -5], [("income_missing", "annualHouseholdIncome", .error)])
    }

    @Test(arguments: ["unemployedMembers", "noContractWageMembers", "dependants", "malnourishedChildren",
        "uninsuredMembersAged6Plus", "undereducatedAdults16to30", "childrenOutOfSchool3to15"])
    func countsExceedMembers(_ field: String) throws {
        try expectFlags(["members": 2, field: 3], [("counts_exceed_members", field, .error)])
        try expectFlags(["members": 2, field: 2], [])
    }

    @Test(arguments: [JSONValue.string("Rural"), .null, .string("city"), .bool(true)])
    func areaInvalid(_ area: JSONValue) throws {
        try expectFlags(["area": area], [("area_invalid", "area", .error)])
    }

    @Test func housingAreaInvalid() throws {
        try expectFlags(["housingAreaM2": nil], [("housing_area_invalid", "housingAreaM2", .error)])
        try expectFlags(["housingAreaM2": -5], [("housing_area_invalid", "housingAreaM2", .error)])
        try expectFlags(["housingAreaM2": 0], [])
    }

    @Test(arguments: [JSONValue.string("2023-02-30"), .string("01/02/2023"), .number(DecimalNumber(20_230_101))])
    func dateInvalid(_ since: JSONValue) throws {
        try expectFlags(["listStatus": "poor", "listStatusSince": since], [("date_invalid", "listStatusSince", .error)])
    }

    @Test func flagsFollowTableOrderThenFieldOrder() throws {
        let review = try Fixture.reviewed([
            "phone": 1, "headName": nil, "members": 0, "citizenId": "1", "area": "town", "housingAreaM2": nil,
            "listStatus": "poor", "listStatusSince": "2023-13-01", "commune": "Gia An", "unemployedMembers": "many",
        ])
        #expect(review.flagCodes == [
            "field_missing", "field_invalid", "field_invalid", "citizen_id_format", "members_invalid", "area_invalid",
            "housing_area_invalid", "date_invalid", "commune_renamed",
        ])
        #expect(review.flags.map(\.field) == [
            "headName", "unemployedMembers", "phone", "citizenId", "members", "area", "housingAreaM2", "listStatusSince",
            "commune",
        ])
    }

    @Test func anErrorLeavesTheRecordUnclassified() throws {
        let review = try Fixture.reviewed(["members": 0, "listStatus": "poor"], whatIf: true)
        #expect(review.classification == nil)
        #expect(review.current == nil)
        #expect(review.incomePerCapita == nil)
        #expect(review.povertyLine == nil)
        #expect(review.deprivationCount == nil)
        #expect(review.priorityScore == nil)
        #expect(review.escapedOn == nil)
        #expect(review.whatIf == nil)
        #expect(review.deprivations == [])
        #expect(review.eligiblePrograms == [])
        #expect(review.change == ListChange.none)
        #expect(review.previous == .poor)
        #expect(review.householdCode == "TL-0001")
        #expect(try Fixture.reviewed(["listStatus": "rich"]).previous == nil)
    }

    @Test func messagesComeInVietnameseAndEnglish() throws {
        let flag = try #require(try Fixture.reviewed(["members": 0]).flags.first)
        #expect(flag.messageVi == "Số nhân khẩu phải là số nguyên từ 1 trở lên.")
        #expect(flag.messageEn == "Household members must be a whole number of at least 1.")
    }

    @Test func unknownFieldsAreIgnored() throws {
        try expectFlags(["notes": "anything", "members2": -1], [])
    }
}

/// RULES.md 1.7 `commune_renamed` and section 4.
@Suite("Commune renames")
struct CommuneRenameTests {
    @Test(arguments: [
        ("Lạc Tánh", "Tánh Linh"), ("La\u{0323}c Ta\u{0301}nh", "Tánh Linh"), ("xã  LẠC   tánh", "Tánh Linh"),
        ("Thị trấn Lạc Tánh", "Tánh Linh"), ("TT. Lạc Tánh", "Tánh Linh"), ("TT.Lạc Tánh", "Tánh Linh"),
        ("Gia An", "Tánh Linh"), ("Đức Thuận", "Tánh Linh"), ("Gia Huynh", "Suối Kiết"), ("Đức Phú", "Nghị Đức"),
        ("Măng Tố", "Bắc Ruộng"), ("Đức Tân", "Bắc Ruộng"), ("HUY KHIÊM", "Đồng Kho"), ("phường La Ngâu", "Đồng Kho"),
        ("Xã Đức Bình", "Đồng Kho"),
    ])
    func oldNamesAreFlaggedWithTheNewCommune(_ given: String, _ newCommune: String) throws {
        let review = try Fixture.reviewed(["commune": .string(given)])
        let flag = try #require(review.flags.first)
        #expect(review.flags.count == 1)
        #expect(flag.code == .communeRenamed)
        #expect(flag.severity == .warning)
        #expect(flag.field == "commune")
        #expect(flag.newCommune == newCommune)
        #expect(review.commune == newCommune)
        #expect(review.classification == .nearPoor)
    }

    @Test(arguments: ["Suối Kiết", "Nghị Đức", "Bắc Ruộng", "Đồng Kho", "Tánh Linh", "xã suối kiết", "Xã Nghị Đức"])
    func namesThatAreAlsoNewCommunesAreNotFlagged(_ given: String) throws {
        let review = try Fixture.reviewed(["commune": .string(given)])
        #expect(review.flags.isEmpty)
    }

    @Test func aKnownCommuneIsReportedByItsCanonicalName() throws {
        #expect(try Fixture.reviewed(["commune": "xã  suối   kiết"]).commune == "Suối Kiết")
        #expect(try Fixture.reviewed(["commune": "Phường 7"]).commune == "Phường 7")
    }
}

/// RULES.md 1.7 list-level checks.
@Suite("Duplicate checks across a list")
struct DuplicateTests {
    @Test func everyCopyOfADuplicatedCitizenIdIsFlaggedAndLeftUnclassified() throws {
        let reviews = try reviewList(
            households: [
                Fixture.household(["householdCode": "A"]),
                Fixture.household(["householdCode": "B", "citizenId": " 060123456789 "]),
                Fixture.household(["householdCode": "C", "citizenId": "060999999999"]),
            ],
            asOf: Fixture.date("2026-03-01"), rules: Fixture.rules
        )
        #expect(reviews.map(\.flagCodes) == [["duplicate_citizen_id"], ["duplicate_citizen_id"], []])
        #expect(reviews.map(\.classification) == [nil, nil, .nearPoor])
        #expect(reviews[0].flags[0].field == "citizenId")
    }

    @Test func aDuplicatedHouseholdCodeIsFlaggedOnBothRecords() throws {
        let reviews = try reviewList(
            households: [
                Fixture.household(["citizenId": "060111111111"]),
                Fixture.household(["citizenId": "060222222222", "commune": "Gia An"]),
            ],
            asOf: Fixture.date("2026-03-01"), rules: Fixture.rules
        )
        #expect(reviews.map(\.flagCodes) == [["duplicate_household_code"], ["commune_renamed", "duplicate_household_code"]])
        #expect(reviews[1].flags[1].field == "householdCode")
    }
}
