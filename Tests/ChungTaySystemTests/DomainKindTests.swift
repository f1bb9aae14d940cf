import Foundation
import Testing

extension SystemTests {
    /// The three domain kinds through dispatcher and worker: a review, a loan status and the
    /// notifications they call for, each stored as SCHEMA.md's result document.
    @Test func householdReviewLoanStatusAndNotificationsRunEndToEnd() throws {
        let sandbox = try Sandbox("domain")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        _ = try sandbox.startWorker("w1", connect: dispatcher.workerEndpoint, kinds: "household.review,loan.status,notify.emit")
        let client = dispatcher.clientEndpoint

        // Rural, 4 members, 1,200,000 đồng per person (≤ 1,500,000) and deprived on
        // employment, nutrition, drinking water and latrine (4 ≥ 3): poor. The head's name
        // arrives in NFD; the commune under its pre-2025 name.
        let household = #"""
            {"asOf":"2026-11-30","whatIf":true,"standard":null,"household":{"householdCode":"TL-1","headName":"Nguye\#u{0302}\#u{0303}n Va\#u{0306}n An",
            "citizenId":"060123456789","commune":"xã Gia An","village":"Thôn 1","area":"rural","members":4,
            "monthlyIncomePerCapita":1200000,"unemployedMembers":1,"malnourishedChildren":1,"safeWater":false,"hygienicLatrine":false,
            "housingAreaM2":60,"listStatus":"none","savingsGroup":"TK-01","association":"women"}}
            """#
        let review = try sandbox.cli(["submit", "household.review", sandbox.writeFile("review.json", household).path,
                                      "--wait", "--connect", client, "--timeout", "30"])
        #expect(review.status == 0, "\(review)")
        let reviewed = try review.json()
        #expect(reviewed["kind"] as? String == "household.review")
        #expect(reviewed["worker"] as? String == "w1")
        #expect(reviewed["householdCode"] as? String == "TL-1")
        #expect(reviewed["headName"] as? String == "Nguyễn Văn An", "names are stored in NFC")
        #expect(reviewed["commune"] as? String == "Tánh Linh")
        #expect(reviewed["standard"] as? String == "2022-2025")
        #expect(reviewed["classification"] as? String == "poor")
        #expect(reviewed["current"] as? String == "poor")
        #expect(reviewed["change"] as? String == "entered_poverty")
        #expect(reviewed["deprivationCount"] as? Int == 4)
        #expect((reviewed["flags"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["commune_renamed"])
        #expect((reviewed["whatIf"] as? [String: Any])?["standard"] as? String == "2027-2030")

        // Equal instalments of 10,000,000 every 6 months from 2025-01-31; the first, due
        // 2025-07-31, is unpaid on 2026-11-30: overdue by 487 days (> 360).
        let loan = #"""
            {"asOf":"2026-11-30","dueSoonDays":30,"loan":{"loanId":"L-1","householdCode":"TL-1","program":"poor_household",
            "principal":60000000,"disbursedOn":"2025-01-31","maturityOn":"2028-01-31","repaymentPeriodMonths":6,"principalRepaid":0,
            "interestPaidThrough":"2026-10-31"}}
            """#
        let status = try sandbox.cli(["submit", "loan.status", sandbox.writeFile("loan.json", loan).path,
                                      "--wait", "--connect", client, "--timeout", "30"])
        #expect(status.status == 0, "\(status)")
        let loanStatus = try status.json()
        #expect(loanStatus["kind"] as? String == "loan.status")
        #expect(loanStatus["status"] as? String == "overdue")
        #expect(loanStatus["overdueBucket"] as? String == ">360")
        #expect(loanStatus["daysOverdue"] as? Int == 487)
        #expect(loanStatus["outstanding"] as? Int == 60_000_000)

        // The notifications: the overdue notice (level 3) and the list change, in RULES.md's table order.
        let notify = "{\"asOf\":\"2026-11-30\",\"review\":\(review.stdout.trimmingCharacters(in: .whitespacesAndNewlines)),"
            + "\"loans\":[\(status.stdout.trimmingCharacters(in: .whitespacesAndNewlines))],\"hasActiveLoan\":null}"
        let emitted = try sandbox.cli(["submit", "notify.emit", sandbox.writeFile("notify.json", notify).path,
                                       "--wait", "--connect", client, "--timeout", "30"])
        #expect(emitted.status == 0, "\(emitted)")
        let notifications = try JSON.array(emitted.stdout)
        #expect(notifications.compactMap { $0["type"] as? String } == ["overdue_notice", "list_change"])
        #expect(notifications.first?["dedupKey"] as? String == "overdue_notice|L-1|2026-11|3")
        #expect(notifications.allSatisfy { ($0["sms"] as? String)?.allSatisfy(\.isASCII) == true })
        #expect(sandbox.storeDocuments(kind: "notify.emit").count == 2, "one stored document per notification")

        // A payload that is not JSON is a task error with a code, not a crash: dead at once, exit 1.
        let broken = try sandbox.cli(["submit", "household.review", sandbox.writeFile("broken.json", "not json").path,
                                      "--wait", "--connect", client, "--timeout", "30"])
        #expect(broken.status == 1, "\(broken)")
        let dead = try broken.json()
        #expect(dead["state"] as? String == "dead")
        #expect((dead["error"] as? [String: Any])?["code"] as? String == "payload_invalid")
        #expect(dead["attempts"] as? Int == 1)
    }
}
