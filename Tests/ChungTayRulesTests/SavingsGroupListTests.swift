import ChungTayCoding
import ChungTayRules
import Testing

/// RULES.md section 3: one consolidated list per savings group per transaction day.
@Suite("Savings group lists")
struct SavingsGroupListTests {
    @Test func borrowersByVillageThenNameAndCandidatesByPriority() throws {
        let asOf = "2026-03-01"
        func household(_ code: String, _ name: String, _ village: String, _ extra: [String: JSONValue] = [:]) throws -> ReviewNotice {
            ReviewNotice(try Fixture.reviewed(Fixture.merged(
                ["householdCode": .string(code), "headName": .string(name), "village": .string(village)], extra
            ), asOf: asOf))
        }
        let reviews = [
            try household("H1", "Trần Văn Bảo", "Thôn 2", ["listStatus": "near_poor"]),
            try household("H2", "Đinh Thị Cúc", "Thôn 1", ["listStatus": "near_poor"]),
            try household("H3", "Dương Văn An", "Thôn 1", ["listStatus": "near_poor"]),
            try household("H4", "Lê Thị Lan", "Thôn 3", Fixture.threeDeprivations),
            try household("H5", "Vũ Văn Tư", "Thôn 1", Fixture.merged(Fixture.threeDeprivations, ["ethnicMinority": true])),
            try household("H6", "Hà Văn Sơn", "Thôn 1", ["savingsGroup": "TL-G02"]),
        ]
        let loans = ["H1", "H2", "H3"].map { code in
            LoanNotice(Fixture.status(["loanId": .string("L-\(code)"), "householdCode": .string(code)], asOf: asOf))
        }
        let lists = savingsGroupLists(reviews: reviews, loans: loans, asOf: Fixture.date(asOf), rules: Fixture.rules)
        #expect(lists.map(\.savingsGroup) == ["TL-G01", "TL-G02"])
        #expect(lists[0].association == "farmers")
        // Thôn 1 before Thôn 2; in Thôn 1 "Đinh Thị Cúc" (dinh…) before "Dương Văn An" (duong…).
        #expect(lists[0].borrowers.map(\.householdCode) == ["H2", "H3", "H1"])
        #expect(lists[0].borrowers.allSatisfy { $0.status == "overdue" })
        #expect(lists[0].candidates.map(\.householdCode) == ["H5", "H4"])
        #expect(lists[0].candidates.map(\.priorityScore) == [5, 3])
        #expect(lists[1].candidates.map(\.householdCode) == ["H6"])
        #expect(!lists[0].jsonBytes.contains(0x0A))
    }
}
