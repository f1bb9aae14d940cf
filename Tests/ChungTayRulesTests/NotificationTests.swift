import ChungTayCoding
import ChungTayRules
import Foundation
import Testing

/// RULES.md section 3: every type, recipients per escalation level, dedup keys, NFC and
/// NFD names, and the SMS rendering.
@Suite("Notifications")
struct NotificationTests {
    static let asOf = Fixture.date("2026-03-01")

    private func emitted(review: HouseholdReview?, loans: [LoanStatusResult], hasActiveLoan: Bool? = nil) -> [NotificationMessage] {
        notifications(review: review, loans: loans, hasActiveLoan: hasActiveLoan, asOf: Self.asOf, rules: Fixture.rules)
    }

    /// A near-poor household on the list, so the review itself asks for nothing.
    private func quietReview(_ changes: [String: JSONValue] = [:]) throws -> HouseholdReview {
        try Fixture.reviewed(Fixture.merged(["listStatus": "near_poor"], changes))
    }

    private func roles(_ notification: NotificationMessage) -> [String] {
        notification.recipients.map { "\($0.role.rawValue):\($0.id ?? "nil"):\($0.channel)" }
    }

    @Test func dueReminderGoesToTheBorrowerAndTheGroupLeader() throws {
        // Two instalments repaid; the third, 2,000,000, is due 2026-03-15, 14 days ahead.
        let loan = Fixture.status(
            ["disbursedOn": "2025-03-15", "maturityOn": "2027-03-15", "principalRepaid": 4_000_000], asOf: "2026-03-01"
        )
        #expect(loan.status == .dueSoon)
        let result = emitted(review: try quietReview(), loans: [loan], hasActiveLoan: true)
        #expect(result.map(\.type) == [.dueReminder])
        #expect(result[0].dedupKey == "due_reminder|L-0001|2026-03-15")
        #expect(result[0].subject == "L-0001")
        #expect(roles(result[0]) == ["borrower:TL-0001:sms", "group_leader:TL-G01:group_list"])
        #expect(result[0].messageVi.contains("15/03/2026"))
        #expect(result[0].messageVi.contains("2.000.000 đồng"))
        #expect(result[0].messageEn.contains("2,000,000 VND"))
    }

    @Test(arguments: [
        ("2025-06-01", 1, ["borrower", "group_leader"]),
        ("2025-09-01", 2, ["borrower", "group_leader", "association"]),
        ("2026-06-01", 3, ["borrower", "group_leader", "association", "commune_peoples_committee"]),
    ])
    func overdueNoticesEscalate(_ asOf: String, _ level: Int, _ expectedRoles: [String]) throws {
        // The first instalment was due 2025-05-15: 17, 109 and 382 days before these dates.
        let loan = Fixture.status(asOf: asOf)
        let result = notifications(
            review: try quietReview(), loans: [loan], hasActiveLoan: true, asOf: Fixture.date(asOf), rules: Fixture.rules
        )
        #expect(result.map(\.type) == [.overdueNotice])
        #expect(result[0].recipients.map(\.role.rawValue) == expectedRoles)
        #expect(result[0].dedupKey == "overdue_notice|L-0001|\(asOf.prefix(7))|\(level)")
        #expect(result[0].recipients.last?.id == ["TL-0001", "TL-G01", "farmers", "Tánh Linh"][expectedRoles.count - 1])
    }

    @Test func escalationBoundariesAreOn90And360Days() {
        func level(_ days: Int) -> String {
            let asOf = Fixture.date("2025-05-15").adding(days: days)
            let result = notifications(review: nil, loans: [Fixture.status(asOf: asOf.description)], asOf: asOf, rules: Fixture.rules)
            return String(result[0].dedupKey.split(separator: "|").last!)
        }
        #expect([level(90), level(91), level(360), level(361)] == ["1", "2", "2", "3"])
    }

    @Test func listChangeGoesToTheReviewBoardAndTheTransactionOffice() throws {
        let review = try Fixture.reviewed(Fixture.threeDeprivations)
        let result = emitted(review: review, loans: [], hasActiveLoan: true)
        #expect(result.map(\.type) == [.listChange])
        #expect(result[0].dedupKey == "list_change|TL-0001|none>poor")
        #expect(roles(result[0]) == ["commune_review_board:Tánh Linh:letter", "transaction_office:transaction_office:letter"])
        #expect(result[0].messageVi.contains("ngoài danh sách sang hộ nghèo"))
    }

    @Test func supplementCandidateOnlyWithoutAnActiveLoan() throws {
        let poor = try quietReview(Fixture.threeDeprivations)
        #expect(poor.change == .nearPoorToPoor)
        let withoutLoan = emitted(review: poor, loans: [])
        #expect(withoutLoan.map(\.type) == [.listChange, .supplementCandidate])
        #expect(withoutLoan[1].dedupKey == "supplement_candidate|TL-0001|2026-03")
        #expect(roles(withoutLoan[1]) == ["group_leader:TL-G01:group_list", "association:farmers:group_list"])
        let settled = Fixture.status(["principalRepaid": 12_000_000], asOf: "2026-03-01")
        #expect(emitted(review: poor, loans: [settled]).map(\.type) == [.listChange, .supplementCandidate])
        let active = Fixture.status(["extendedTo": "2027-06-30"], asOf: "2026-03-01")
        #expect(emitted(review: poor, loans: [active]).map(\.type) == [.listChange])
        #expect(emitted(review: poor, loans: [], hasActiveLoan: true).map(\.type) == [.listChange])
        let otherHousehold = Fixture.status(["householdCode": "TL-0002", "extendedTo": "2027-06-30"], asOf: "2026-03-01")
        #expect(emitted(review: poor, loans: [otherHousehold]).map(\.type) == [.listChange, .supplementCandidate])
    }

    @Test func dataCorrectionForErrorsButNotWarnings() throws {
        let broken = try Fixture.reviewed(["members": 0])
        let badLoan = Fixture.status(["principal": 0], asOf: "2026-03-01")
        let result = emitted(review: broken, loans: [badLoan])
        #expect(result.map(\.type) == [.dataCorrection, .dataCorrection])
        #expect(result.map(\.dedupKey) == ["data_correction|TL-0001|2026-03", "data_correction|L-0001|2026-03"])
        #expect(roles(result[0]) == ["commune_officer:Tánh Linh:letter"])
        #expect(result[0].messageVi.hasSuffix("cần sửa dữ liệu: số nhân khẩu: ghi số nguyên từ 1 trở lên."))
        #expect(!result[0].messageEn.contains("members_invalid") && !result[0].sms.text.contains("members_invalid"))
        #expect(result[0].corrections == [FlagReference(code: "members_invalid", field: "members")])
        let object = try Fixture.jsonObject(result[0].jsonBytes)
        #expect((object["corrections"] as? [[String: Any]])?.map { "\($0["code"]!):\($0["field"]!)" } == ["members_invalid:members"])
        let warningsOnly = try quietReview(["commune": "Gia An", "citizenId": "099123456789"])
        #expect(emitted(review: warningsOnly, loans: [], hasActiveLoan: true).isEmpty)
    }

    @Test func frozenSettledAndWrittenOffLoansGetNoReminderOrNotice() throws {
        let loans = [
            Fixture.status(["frozenFrom": "2025-01-01", "frozenTo": "2026-12-31"], asOf: "2026-03-01"),
            Fixture.status(["principalRepaid": 12_000_000], asOf: "2026-03-01"),
            Fixture.status(["writtenOffOn": "2026-01-01"], asOf: "2026-03-01"),
        ]
        #expect(emitted(review: try quietReview(), loans: loans, hasActiveLoan: true).isEmpty)
    }

    @Test func notificationsComeOutInTableOrder() throws {
        let review = try Fixture.reviewed(Fixture.merged(Fixture.threeDeprivations, ["citizenId": "bad"]))
        let loans = [
            Fixture.status(["principal": -1], asOf: "2026-03-01"),
            Fixture.status(
                ["loanId": "L-2", "disbursedOn": "2025-03-15", "maturityOn": "2027-03-15", "principalRepaid": 4_000_000],
                asOf: "2026-03-01"
            ),
            Fixture.status(["loanId": "L-3"], asOf: "2026-03-01"),
        ]
        let types = emitted(review: review, loans: loans, hasActiveLoan: false).map(\.type)
        #expect(types == [.dueReminder, .overdueNotice, .dataCorrection, .dataCorrection])
        let reviewWithChange = try Fixture.reviewed(Fixture.threeDeprivations)
        let all = emitted(review: reviewWithChange, loans: loans, hasActiveLoan: false).map(\.type)
        #expect(all == [.dueReminder, .overdueNotice, .listChange, .supplementCandidate, .dataCorrection])
    }

    @Test func theSameInputTwiceGivesTheSameKeys() throws {
        let review = try Fixture.reviewed(Fixture.threeDeprivations)
        let loans = [Fixture.status(asOf: "2026-03-01")]
        let first = emitted(review: review, loans: loans, hasActiveLoan: false)
        let second = emitted(review: review, loans: loans, hasActiveLoan: false)
        #expect(!first.isEmpty)
        #expect(first.map(\.dedupKey) == second.map(\.dedupKey))
        #expect(first == second)
    }

    @Test func nfcAndNfdNamesGiveTheSameNotifications() throws {
        let composed = try Fixture.reviewed(["headName": "Nguyễn Thị Ánh", "householdCode": "TL-Đ01", "commune": "Lạc Tánh"])
        let decomposed = try Fixture.reviewed([
            "headName": .string("Nguye\u{0302}\u{0303}n Thi\u{0323} A\u{0301}nh"), "householdCode": "TL-Đ01",
            "commune": .string("La\u{0323}c Ta\u{0301}nh"),
        ])
        let loans = [Fixture.status(["householdCode": "TL-Đ01"], asOf: "2026-03-01")]
        let fromComposed = emitted(review: composed, loans: loans, hasActiveLoan: false)
        let fromDecomposed = emitted(review: decomposed, loans: loans, hasActiveLoan: false)
        #expect(fromComposed.map(\.dedupKey) == fromDecomposed.map(\.dedupKey))
        #expect(fromComposed.map { Array($0.messageVi.utf8) } == fromDecomposed.map { Array($0.messageVi.utf8) })
        #expect(decomposed.headName.map { Array($0.unicodeScalars) } == Array("Nguyễn Thị Ánh".unicodeScalars))
    }

    @Test func smsIsUnaccentedAsciiWithinOneMessage() throws {
        let review = try Fixture.reviewed(Fixture.merged(Fixture.threeDeprivations, ["headName": "Đỗ Đức Đạt", "village": "Thôn Ộc"]))
        let loans = [
            Fixture.status(["disbursedOn": "2025-03-15", "maturityOn": "2027-03-15", "principalRepaid": 4_000_000], asOf: "2026-03-01"),
            Fixture.status(["loanId": "L-0002"], asOf: "2026-03-01"),
        ]
        let result = emitted(review: review, loans: loans, hasActiveLoan: false)
        #expect(result.count == 4)
        for notification in result {
            #expect(notification.sms.text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 })
            #expect(notification.sms.text.count <= 160)
            #expect(notification.sms.parts == [notification.sms.text])
        }
        #expect(result[0].sms.text.contains("cua ho Do Duc Dat (TL-0001)"))
        #expect(result[0].sms.text.contains("15/03/2026"))
    }

    @Test func aLongSmsIsSplitIntoCountedParts() throws {
        let longName = String(repeating: "Nguyễn Thị Minh Khai ", count: 12)
        let review = try Fixture.reviewed(Fixture.merged(Fixture.threeDeprivations, ["headName": .string(longName)]))
        let change = try #require(emitted(review: review, loans: [], hasActiveLoan: true).first)
        #expect(change.sms.text.count > 160)
        #expect(change.sms.parts.count == (change.sms.text.count + 152) / 153)
        #expect(change.sms.parts.allSatisfy { $0.count <= 153 })
        #expect(change.sms.parts.joined() == change.sms.text)
        let object = try Fixture.jsonObject(change.jsonBytes)
        #expect(object["smsParts"] as? Int == change.sms.parts.count)
    }

    @Test func aMissingRecipientIdStaysNull() throws {
        let review = try Fixture.reviewed(Fixture.merged(Fixture.threeDeprivations, ["savingsGroup": nil, "association": nil]))
        let candidate = try #require(emitted(review: review, loans: []).last)
        #expect(candidate.type == .supplementCandidate)
        #expect(candidate.recipients.map(\.id) == [nil, nil])
        let object = try Fixture.jsonObject(candidate.jsonBytes)
        let recipients = try #require(object["recipients"] as? [[String: Any]])
        #expect(recipients.allSatisfy { $0["id"] is NSNull })
    }
}
