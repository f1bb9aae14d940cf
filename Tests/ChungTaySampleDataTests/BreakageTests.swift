import Foundation
import Testing

/// A list with broken records must show every check a reviewer can report, in the files
/// the rules read.
@Suite struct BreakageTests {
    @Test func everyRecordCheckKindOccurs() throws {
        let files = try GeneratedFiles(households: 2000, seed: 5, badRate: 0.1)
        defer { files.remove() }

        var householdCodes: [String: Int] = [:]
        var citizenIds: [String: Int] = [:]
        var flagged: Set<String> = []
        for line in try files.jsonLineTexts("households.jsonl") {
            let review = try Rules.review(line)
            flagged.formUnion(Rules.flags(review).map(\.code))
            let household = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if let code = household["householdCode"] as? String { householdCodes[code, default: 0] += 1 }
            if let id = household["citizenId"] as? String { citizenIds[id, default: 0] += 1 }
        }
        #expect(
            flagged.isSuperset(of: [
                "field_missing", "field_invalid", "citizen_id_format", "citizen_id_province", "members_invalid",
                "income_missing", "counts_exceed_members", "area_invalid", "housing_area_invalid", "date_invalid",
            ]), "missing: \(flagged)")
        #expect(householdCodes.values.contains { $0 > 1 }, "a duplicate household code")
        #expect(citizenIds.values.contains { $0 > 1 }, "a duplicate citizen ID")

        var loanFlags: Set<String> = []
        var programs: Set<String> = []
        var principals: [Int] = []
        var notInList = 0
        var maturityNotAfter = 0
        for line in try files.jsonLineTexts("loans.jsonl") {
            let status = try Rules.loanStatus(line)
            loanFlags.formUnion(Rules.flags(status).map(\.code))
            let loan = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if let program = loan["program"] as? String { programs.insert(program) }
            if let principal = loan["principal"] as? Int { principals.append(principal) }
            if let code = loan["householdCode"] as? String, householdCodes[code] == nil { notInList += 1 }
            if let disbursed = loan["disbursedOn"] as? String, let maturity = loan["maturityOn"] as? String,
                disbursed.count == 10, maturity == disbursed
            {
                maturityNotAfter += 1
            }
        }
        #expect(loanFlags.isSuperset(of: ["field_invalid", "date_invalid"]), "missing: \(loanFlags)")
        #expect(programs.count > 7, "an unknown programme")
        #expect(principals.contains { $0 <= 0 }, "a principal ≤ 0")
        #expect(notInList > 0, "a loan of a household not in the list")
        #expect(maturityNotAfter > 0, "a maturity not after disbursement")

        let rows = CSV.rows(try files.text("households.csv"))
        let width = rows[0].count
        #expect(rows.contains { $0.count != width }, "a row with a wrong column count")
        let booleans = ["safeWater", "hygienicLatrine", "telecomUse", "ethnicMinority"].compactMap { rows[0].firstIndex(of: $0) }
        let spellings = ["", "true", "false"]
        #expect(
            rows.dropFirst().contains { row in row.count == width && booleans.contains { !spellings.contains(row[$0]) } },
            "an unknown boolean spelling")
    }
}
