import ChungTayCoding
import ChungTayRules
import Foundation
import Testing

/// The task entry points used by worker handlers: payload bytes in, result bytes out.
@Suite("Task payloads and result documents")
struct TaskTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    private func rejection(_ run: () throws(TaskRejection) -> Any) -> TaskRejection? {
        do {
            _ = try run()
            return nil
        } catch {
            return error
        }
    }

    static let household = #"{"householdCode":"TL-1","headName":"Lê Văn Bình","citizenId":"068123456789","commune":"Gia An","area":"rural","members":3,"monthlyIncomePerCapita":1400000,"housingAreaM2":30,"hygienicLatrine":false,"unemployedMembers":1,"uninsuredMembersAged6Plus":1,"savingsGroup":"G1","association":"women","extraColumn":"ignored"}"#

    @Test(arguments: [
        "not json", "[1,2]", "\"text\"", #"{"household":{}}"#, #"{"asOf":"2026-02-30","household":{}}"#,
        #"{"asOf":20260201,"household":{}}"#, #"{"asOf":"2026-03-01"}"#, #"{"asOf":"2026-03-01","household":[]}"#,
        #"{"asOf":"2026-03-01","household":{},"whatIf":"yes"}"#, #"{"asOf":"2026-03-01","household":{},"standard":2027}"#,
    ])
    func malformedReviewPayloadsAreRejected(_ payload: String) {
        let error = rejection { () throws(TaskRejection) in try HouseholdReviewTask.run(payload: bytes(payload), rules: Fixture.rules) }
        #expect(error?.code == "payload_invalid")
    }

    @Test func anUncoveredDateAndAnUnknownStandardAreRejectedWithTheirCodes() {
        let uncovered = rejection { () throws(TaskRejection) in
            try HouseholdReviewTask.run(payload: bytes(#"{"asOf":"2031-02-01","household":\#(Self.household)}"#), rules: Fixture.rules)
        }
        #expect(uncovered == TaskRejection(code: "no_standard", message: "no poverty standard covers 2031-02-01"))
        let unknown = rejection { () throws(TaskRejection) in
            try HouseholdReviewTask.run(
                payload: bytes(#"{"asOf":"2026-03-01","household":\#(Self.household),"standard":"1990"}"#), rules: Fixture.rules
            )
        }
        #expect(unknown?.code == "standard_unknown")
    }

    @Test func aReviewDocumentHasEverySchemaFieldInOrderOnOneLine() throws {
        let payload = #"{"asOf":"2026-10-01","household":\#(Self.household),"whatIf":true,"standard":null}"#
        let output = try HouseholdReviewTask.run(payload: bytes(payload), rules: Fixture.rules)
        #expect(!output.contains(0x0A))
        let keys = try #require(try JSONValue(parsing: output).objectValue).members.map(\.key)
        #expect(keys == [
            "asOf", "householdCode", "headName", "commune", "village", "savingsGroup", "association", "standard",
            "incomePerCapita", "povertyLine", "deprivations", "deprivationCount", "classification", "previous", "current",
            "escapedOn", "change", "eligiblePrograms", "priorityScore", "flags", "whatIf",
        ])
        let document = try Fixture.jsonObject(output)
        #expect(document["commune"] as? String == "Tánh Linh")
        #expect(document["classification"] as? String == "poor")
        #expect(document["deprivations"] as? [String] == ["employment", "health_insurance", "latrine"])
        let flag = try #require((document["flags"] as? [[String: Any]])?.first)
        #expect(flag["code"] as? String == "commune_renamed")
        #expect(flag["newCommune"] as? String == "Tánh Linh")
        #expect(Set(flag.keys) == ["code", "severity", "field", "message_vi", "message_en", "newCommune"])
        let whatIf = try #require(document["whatIf"] as? [String: Any])
        #expect(whatIf["standard"] as? String == "2027-2030")
        #expect(whatIf["changesClass"] as? Bool == false)
    }

    @Test func aRecordWithWrongTypesYieldsFlagsNotARejection() throws {
        let payload = #"{"asOf":"2026-03-01","household":{"householdCode":7,"members":"many","area":["rural"],"safeWater":{}}}"#
        let document = try Fixture.jsonObject(try HouseholdReviewTask.run(payload: bytes(payload), rules: Fixture.rules))
        #expect(document["classification"] is NSNull)
        #expect(document["whatIf"] is NSNull)
        let codes = (document["flags"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
        #expect(codes?.contains("members_invalid") == true)
        #expect(codes?.contains("field_invalid") == true)
    }

    @Test func aLoanStatusDocumentHasEverySchemaFieldInOrder() throws {
        let loan = #"{"loanId":"L-1","householdCode":"TL-1","program":"near_poor_household","principal":"30000000","disbursedOn":"2025-01-15","maturityOn":"2028-01-15","repaymentPeriodMonths":6,"principalRepaid":10000000}"#
        let output = try LoanStatusTask.run(payload: bytes(#"{"asOf":"2026-03-01","loan":\#(loan),"dueSoonDays":30}"#), rules: Fixture.rules)
        #expect(!output.contains(0x0A))
        let keys = try #require(try JSONValue(parsing: output).objectValue).members.map(\.key)
        #expect(keys == [
            "asOf", "loanId", "householdCode", "program", "status", "outstanding", "overduePrincipal", "daysOverdue",
            "overdueBucket", "nextDueOn", "nextDueAmount", "interestDue", "overdueSurcharge", "annualRatePercent", "flags",
        ])
        let document = try Fixture.jsonObject(output)
        #expect(document["status"] as? String == "current")
        #expect(document["outstanding"] as? Int == 20_000_000)
        #expect(document["annualRatePercent"] as? Double == 7.92)
        #expect(document["overdueBucket"] is NSNull)
    }

    @Test func dueSoonDaysDefaultsTo30() throws {
        // Next instalment 2026-03-31 (monthly from 2026-01-31, first one repaid): 30 days after 2026-03-01.
        let loan = #"{"loanId":"L-1","householdCode":"TL-1","program":"student","principal":3000000,"disbursedOn":"2026-01-31","maturityOn":"2026-04-30","repaymentPeriodMonths":1,"principalRepaid":1000000}"#
        let standard = try Fixture.jsonObject(try LoanStatusTask.run(payload: bytes(#"{"asOf":"2026-03-01","loan":\#(loan)}"#), rules: Fixture.rules))
        #expect(standard["status"] as? String == "due_soon")
        let narrow = try Fixture.jsonObject(
            try LoanStatusTask.run(payload: bytes(#"{"asOf":"2026-03-01","loan":\#(loan),"dueSoonDays":7}"#), rules: Fixture.rules)
        )
        #expect(narrow["status"] as? String == "current")
        let error = rejection { () throws(TaskRejection) in
            try LoanStatusTask.run(payload: bytes(#"{"asOf":"2026-03-01","loan":\#(loan),"dueSoonDays":-1}"#), rules: Fixture.rules)
        }
        #expect(error?.code == "payload_invalid")
    }

    @Test func notifyTakesStoredDocumentsAndMatchesTheTypedResult() throws {
        let asOf = "2026-03-01"
        let reviewDocument = try HouseholdReviewTask.run(payload: bytes(#"{"asOf":"\#(asOf)","household":\#(Self.household)}"#), rules: Fixture.rules)
        let loanRecord = #"{"loanId":"L-1","householdCode":"TL-1","program":"poor_household","principal":12000000,"disbursedOn":"2025-01-15","maturityOn":"2027-01-15","repaymentPeriodMonths":4}"#
        let loanDocument = try LoanStatusTask.run(payload: bytes(#"{"asOf":"\#(asOf)","loan":\#(loanRecord)}"#), rules: Fixture.rules)
        let payload = #"{"asOf":"\#(asOf)","review":\#(Fixture.text(reviewDocument)),"loans":[\#(Fixture.text(loanDocument))],"hasActiveLoan":null}"#
        let documents = try NotifyEmitTask.run(payload: bytes(payload), rules: Fixture.rules)
        let typed = notifications(
            review: try review(household: HouseholdRecord(try #require(try JSONValue(parsing: bytes(Self.household)).objectValue)), asOf: Fixture.date(asOf), rules: Fixture.rules),
            loans: [loanStatus(loan: LoanRecord(try #require(try JSONValue(parsing: bytes(loanRecord)).objectValue)), asOf: Fixture.date(asOf), rules: Fixture.rules)],
            asOf: Fixture.date(asOf), rules: Fixture.rules
        )
        #expect(documents == typed.map(\.jsonBytes))
        #expect(typed.map(\.type) == [.overdueNotice, .listChange])
        for document in documents {
            #expect(!document.contains(0x0A))
            let keys = try #require(try JSONValue(parsing: document).objectValue).members.map(\.key)
            #expect(keys == ["asOf", "type", "dedupKey", "subject", "recipients", "message_vi", "message_en", "sms", "smsParts", "smsSegments"])
        }
    }

    /// A review document carries no phone; a request's `review` may add one, for the
    /// borrower's SMS only.
    @Test func notifyTakesThePhoneFromTheRequestsReview() throws {
        let review = #"{"householdCode":"TL-1","phone":"+84 912.345.678; 0987654321","flags":[]}"#
        let loan = #"{"loanId":"L-1","householdCode":"TL-1","status":"overdue","daysOverdue":120}"#
        let payload = #"{"asOf":"2026-03-01","review":\#(review),"loans":[\#(loan)],"hasActiveLoan":true}"#
        let documents = try NotifyEmitTask.run(payload: bytes(payload), rules: Fixture.rules)
        let overdue = try #require(documents.first)
        let recipients = try #require(try Fixture.jsonObject(overdue)["recipients"] as? [[String: Any]])
        #expect(recipients.map { $0["role"] as? String } == ["borrower", "group_leader", "association"])
        #expect(recipients.map { $0["phone"] as? String } == ["0912345678", nil, nil])
        #expect(recipients.map { $0.keys.contains("phone") } == [true, false, false])
    }

    @Test func notifyWithNothingToSayIsEmptyAndBadShapesAreRejected() throws {
        #expect(try NotifyEmitTask.run(payload: bytes(#"{"asOf":"2026-03-01","review":null,"loans":[]}"#), rules: Fixture.rules).isEmpty)
        #expect(try NotifyEmitTask.run(payload: bytes(#"{"asOf":"2026-03-01"}"#), rules: Fixture.rules).isEmpty)
        for payload in [#"{"asOf":"2026-03-01","loans":{}}"#, #"{"asOf":"2026-03-01","review":[]}"#, #"{"asOf":"2026-03-01","loans":[1]}"#] {
            let error = rejection { () throws(TaskRejection) in try NotifyEmitTask.run(payload: bytes(payload), rules: Fixture.rules) }
            #expect(error?.code == "payload_invalid")
        }
    }
}
