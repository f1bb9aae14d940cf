import ChungTayCoding
import ChungTayRules
import ChungTayWire
import Foundation
import Testing

/// docs/BATCH.md: the three stages a batch chunk goes through, their documents, keys,
/// counters and follow-ups, and the stage contract.
@Suite("Batch stages")
struct BatchStageTests {
    static var batch: [String: Any] { ["id": "B1", "asOf": "2026-03-01", "whatIf": false] }

    /// A household that is valid unless `changes` says otherwise (near-poor income, no
    /// deprivation, not on the list).
    static func household(_ code: String, citizenId: String, _ changes: [String: Any] = [:]) -> [String: Any] {
        var record: [String: Any] = [
            "householdCode": code, "headName": "Nguyễn Văn An", "citizenId": citizenId, "commune": "Tánh Linh",
            "village": "Thôn 1", "area": "rural", "members": 4, "monthlyIncomePerCapita": 1_400_000, "housingAreaM2": 40,
            "savingsGroup": "TL-G01", "association": "farmers",
        ]
        for (key, value) in changes { record[key] = value }
        return record
    }

    /// A 12,000,000 poor-household loan, six instalments every 4 months from
    /// 2025-01-15: overdue on 2026-03-01 unless `changes` says otherwise.
    static func loan(_ id: String, household: String, _ changes: [String: Any] = [:]) -> [String: Any] {
        var record: [String: Any] = [
            "loanId": id, "householdCode": household, "program": "poor_household", "principal": 12_000_000,
            "disbursedOn": "2025-01-15", "maturityOn": "2027-01-15", "repaymentPeriodMonths": 4,
        ]
        for (key, value) in changes { record[key] = value }
        return record
    }

    /// Two instalments repaid; the third is due 2026-03-15, 14 days after the as-of date.
    static var dueSoon: [String: Any] { ["disbursedOn": "2025-03-15", "maturityOn": "2027-03-15", "principalRepaid": 4_000_000] }

    static func item(_ record: [String: Any], line: Int, file: String = "households.csv", extra: [String: Any] = [:]) -> [String: Any] {
        var item: [String: Any] = ["file": file, "line": line, "record": record]
        for (key, value) in extra { item[key] = value }
        return item
    }

    static func json(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func run(_ kind: TaskKind, _ payload: [String: Any]) throws -> BatchStageOutput {
        try BatchStage.run(kind: kind, payload: try json(payload), rules: Fixture.rules)
    }

    static func run(_ kind: TaskKind, _ payload: [UInt8]) throws -> BatchStageOutput {
        try BatchStage.run(kind: kind, payload: payload, rules: Fixture.rules)
    }

    /// The notices of a follow-up's table (docs/BATCH.md "Tables"), each row as the object
    /// it stands for: its cells under the fields' names.
    static func tableRows(_ value: JSONValue?) throws -> [JSONObject] {
        guard case .object(let table)? = value, case .array(let names)? = table["fields"], case .array(let rows)? = table["items"] else {
            throw Expectation.missing("a table")
        }
        let fields = names.compactMap { if case .string(let name) = $0 { name } else { nil } }
        return try rows.map { row in
            guard case .array(let cells) = row, cells.count <= fields.count else { throw Expectation.missing("a row") }
            return JSONObject(zip(fields, cells).map { JSONObject.Member(key: $0.0, value: $0.1) })
        }
    }

    static func written(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.value(value)
        return writer.finish()
    }

    static func documents(_ output: BatchStageOutput) throws -> [[String: Any]] {
        try output.documents.map { document in
            #expect(!document.contains(0x0A))
            return try Fixture.jsonObject(document)
        }
    }

    static func flags(_ document: [String: Any]) -> [[String: Any]] {
        document["flags"] as? [[String: Any]] ?? []
    }

    static func codes(_ document: [String: Any]) -> [String] {
        flags(document).compactMap { $0["code"] as? String }
    }

    static func parsed(_ bytes: [UInt8]) throws -> JSONObject {
        try #require(try JSONValue(parsing: bytes).objectValue)
    }

    // MARK: Stage A

    @Test func stageAReviewsEachHouseholdAndHandsTheLoansOnUnchanged() throws {
        let loans: [[String: Any]] = [
            Self.item(Self.loan("L-1", household: "TL-1"), line: 2, file: "loans.jsonl"),
            Self.item(Self.loan("L-2", household: "TL-2", ["principal": "12000000", "note": ["kept": true]]), line: 3, file: "loans.jsonl"),
        ]
        let payload: [String: Any] = [
            "batch": Self.batch,
            "households": [
                Self.item(Self.household("TL-1", citizenId: "060123456789"), line: 2),
                Self.item(
                Self.household("TL-2", citizenId: "060123456790", ["phone": "0912.345.678, 0987654321"]), line: 3,
                extra: ["listFlags": ["duplicate_citizen_id"]]
            ),
                Self.item(
                    Self.household("TL-3", citizenId: "060123456791", ["commune": "Gia An"]), line: 4,
                    extra: ["listFlags": ["duplicate_household_code"]]
                ),
            ],
            "loans": loans,
        ]
        let output = try Self.run("household.review", payload)
        let documents = try Self.documents(output)
        #expect(documents.count == 3)
        #expect(output.keys == ["TL-1", "TL-2", "TL-3"])

        #expect(documents[0]["classification"] as? String == "near_poor")
        #expect(documents[0]["asOf"] as? String == "2026-03-01")
        let source = try #require(documents[0]["source"] as? [String: Any])
        #expect(source["file"] as? String == "households.csv")
        #expect(source["line"] as? Int == 2)
        let keys = try Self.parsed(output.documents[0]).members.map(\.key)
        #expect(keys.first == "asOf")
        #expect(keys.last == "source")

        #expect(documents[1]["classification"] is NSNull)
        #expect(documents[1]["current"] is NSNull)
        let duplicate = try #require(Self.flags(documents[1]).first)
        #expect(duplicate["code"] as? String == "duplicate_citizen_id")
        #expect(duplicate["severity"] as? String == "error")
        #expect(duplicate["field"] as? String == "citizenId")

        // The list flag comes after the record's own (commune_renamed) and names the code.
        #expect(Self.codes(documents[2]) == ["commune_renamed", "duplicate_household_code"])
        let codeFlag = Self.flags(documents[2])[1]
        #expect(codeFlag["field"] as? String == "householdCode")
        #expect((codeFlag["message_en"] as? String)?.contains("TL-3") == true)

        #expect(output.counters == [
            "byCommune/Tánh Linh/near_poor": 1, "byCommune/Tánh Linh/unclassified": 2, "byChange/entered_poverty": 1,
            "byChange/none": 2, "flagsByCode/duplicate_citizen_id": 1, "flagsByCode/duplicate_household_code": 1,
            "flagsByCode/commune_renamed": 1,
        ])

        let followUp = try #require(output.followUp)
        #expect(followUp.kind == "loan.status")
        let next = try Self.parsed(followUp.payload)
        #expect(next.members.map(\.key) == ["batch", "loans", "reviews"])
        #expect(next["batch"] == (try JSONValue(parsing: try Self.json(Self.batch))))
        #expect(next["loans"] == (try JSONValue(parsing: try Self.json(["loans": loans]))).objectValue?["loans"])
        let notices = try Self.tableRows(next["reviews"]).map(ReviewNotice.init(document:))
        #expect(notices.map(\.householdCode) == ["TL-1", "TL-2", "TL-3"])
        #expect(notices[0].change == "entered_poverty")
        #expect(notices[0].current == "near_poor")
        #expect(notices[1].errorCodes == ["duplicate_citizen_id"])
        #expect(notices[2].commune == "Tánh Linh")
        #expect(notices[2].errorCodes == ["duplicate_household_code"])
    }

    @Test func stageAWithoutLoansStillHandsOnToStageB() throws {
        let output = try Self.run(
            "household.review", ["batch": Self.batch, "households": [Self.item(Self.household("TL-1", citizenId: "060123456789"), line: 2)]]
        )
        let followUp = try #require(output.followUp)
        #expect(followUp.kind == "loan.status")
        let next = try Self.parsed(followUp.payload)
        #expect(next["loans"] == .array([]))
    }

    @Test func stageAHonoursWhatIf() throws {
        let batch: [String: Any] = ["id": "B1", "asOf": "2026-10-01", "whatIf": true]
        let output = try Self.run(
            "household.review", ["batch": batch, "households": [Self.item(Self.household("TL-1", citizenId: "060123456789"), line: 2)]]
        )
        let whatIf = try #require(try Self.documents(output)[0]["whatIf"] as? [String: Any])
        #expect(whatIf["standard"] as? String == "2027-2030")
    }

    @Test func anUnreadableLineIsAnErrorFlagNamingFileLineAndColumn() throws {
        let payload: [String: Any] = [
            "batch": Self.batch,
            "households": [
                Self.item(
                    ["householdCode": "TL-7", "headName": "Trần Thị Bích"], line: 12,
                    extra: ["inputError": ["column": 35, "message": "row has 34 cells, the header 33"]]
                ),
                Self.item(
                    Self.household("TL-8", citizenId: "060123456792"), line: 13,
                    extra: ["inputError": ["column": 8, "field": "members", "message": "unterminated quote"]]
                ),
            ],
        ]
        let output = try Self.run("household.review", payload)
        let documents = try Self.documents(output)
        #expect(output.keys == ["TL-7", "TL-8"])
        let unreadable = try #require(Self.flags(documents[0]).last)
        #expect(unreadable["code"] as? String == "record_unreadable")
        #expect(unreadable["severity"] as? String == "error")
        #expect(unreadable["field"] as? String == "")
        #expect(unreadable["message_en"] as? String == "The record at households.csv, line 12, column 35 could not be read (row has 34 cells, the header 33).")
        #expect((unreadable["message_vi"] as? String)?.contains("households.csv, dòng 12, cột 35") == true)

        // A record that reads as valid is still not classified: the line was not read whole.
        #expect(Self.codes(documents[1]) == ["record_unreadable"])
        #expect(Self.flags(documents[1])[0]["field"] as? String == "members")
        #expect(documents[1]["classification"] is NSNull)
        #expect(output.counters["flagsByCode/record_unreadable"] == 2)
        #expect(output.counters["byCommune/Tánh Linh/unclassified"] == 1)
        #expect(output.counters["byCommune/(unknown)/unclassified"] == 1)
    }

    // MARK: Stage B

    @Test func stageBFlagsLoansOutsideTheListAndCountsStatusesAndTotals() throws {
        let reviews: [[String: Any]] = [["householdCode": "TL-1", "current": "poor", "change": "none", "flags": []]]
        let payload: [String: Any] = [
            "batch": Self.batch,
            "loans": [
                Self.item(Self.loan("L-1", household: " TL-1 "), line: 2, file: "loans.csv"),
                Self.item(Self.loan("L-9", household: "TL-X"), line: 3, file: "loans.csv", extra: ["listFlags": ["household_not_in_list"]]),
                Self.item(Self.loan("L-5", household: "TL-5", Self.dueSoon), line: 4, file: "loans.csv"),
                Self.item(Self.loan("L-6", household: "TL-6", ["principalRepaid": 12_000_000]), line: 5, file: "loans.csv"),
                Self.item(
                    Self.loan("L-7", household: "TL-7"), line: 6, file: "loans.csv",
                    extra: ["inputError": ["column": 3, "message": "row has 5 cells, the header 7"]]
                ),
            ],
            "reviews": reviews,
        ]
        let output = try Self.run("loan.status", payload)
        let documents = try Self.documents(output)
        #expect(output.keys == ["TL-1", "TL-X", "TL-5", "TL-6", "TL-7"])
        #expect(documents.map { $0["status"] as? String } == ["overdue", "overdue", "due_soon", "settled", nil])
        #expect(Self.codes(documents[0]).isEmpty)
        #expect(Self.codes(documents[1]) == ["household_not_in_list"])
        let notInList = Self.flags(documents[1])[0]
        #expect(notInList["severity"] as? String == "warning")
        #expect(notInList["field"] as? String == "householdCode")
        #expect((notInList["message_en"] as? String)?.contains("TL-X") == true)
        // An unreadable loan line is an error: nothing is computed from it.
        #expect(Self.codes(documents[4]) == ["record_unreadable"])
        #expect(documents[4]["outstanding"] is NSNull)
        #expect((documents[4]["source"] as? [String: Any])?["line"] as? Int == 6)

        // Each overdue loan: the instalments of 2025-05-15, 2025-09-15 and 2026-01-15, so
        // 6,000,000 overdue for 290 days on 2026-03-01.
        #expect(documents[0]["overduePrincipal"] as? Int == 6_000_000)
        #expect(output.counters == [
            "loansByStatus/overdue": 2, "loansByStatus/due_soon": 1, "loansByStatus/settled": 1, "loansByStatus/unassessed": 1,
            "loansByOverdueBucket/181-360": 2,
            "totals/outstanding": 12_000_000 + 12_000_000 + 8_000_000,
            "totals/overduePrincipal": 12_000_000,
            "flagsByCode/household_not_in_list": 1, "flagsByCode/record_unreadable": 1,
        ])

        let followUp = try #require(output.followUp)
        #expect(followUp.kind == "notify.emit")
        let next = try Self.parsed(followUp.payload)
        #expect(next.members.map(\.key) == ["batch", "reviews", "loans"])
        #expect(next["reviews"] == (try JSONValue(parsing: try Self.json(["reviews": reviews]))).objectValue?["reviews"])
        let notices = try Self.tableRows(next["loans"]).map(LoanNotice.init(document:))
        #expect(notices.map(\.loanId) == ["L-1", "L-9", "L-5", "L-6", "L-7"])
        #expect(notices[0].householdCode == "TL-1")
        #expect(notices[0].daysOverdue == 290)
        #expect(notices[2].nextDueOn == "2026-03-15")
        #expect(notices[4].errorCodes == ["record_unreadable"])
    }

    // MARK: Stage C

    @Test func stageCGroupsLoansWithTheirHouseholdThenTheRest() throws {
        func notice(_ loanId: String, _ household: String, status: String, line: Int) -> [String: Any] {
            [
                "loanId": loanId, "householdCode": household, "status": status, "nextDueOn": "2026-03-15",
                "nextDueAmount": 2_000_000, "daysOverdue": status == "overdue" ? 120 : 0, "overduePrincipal": 0,
                "flags": [], "source": ["file": "loans.csv", "line": line],
            ]
        }
        let payload: [String: Any] = [
            "batch": Self.batch,
            "reviews": [
                [
                    "householdCode": "TL-1", "headName": "Lê Văn Bình", "commune": "Tánh Linh", "savingsGroup": "G1",
                    "association": "women", "previous": "none", "current": "poor", "change": "entered_poverty",
                    "priorityScore": 3, "flags": [], "source": ["file": "households.csv", "line": 2],
                ],
                [
                    "householdCode": "TL-3", "previous": "none", "current": NSNull(), "change": "none",
                    "flags": [["code": "duplicate_household_code", "severity": "error"]],
                    "source": ["file": "households.csv", "line": 3],
                ],
            ],
            "loans": [
                notice("L-a", "TL-2", status: "overdue", line: 2),
                notice("L-b", "TL-1", status: "due_soon", line: 3),
                notice("L-c", "TL-2", status: "overdue", line: 4),
                notice("L-d", "TL-1", status: "current", line: 5),
            ],
        ]
        let output = try Self.run("notify.emit", payload)
        #expect(output.followUp == nil)
        let documents = try Self.documents(output)
        // TL-1 is poor with an active loan (L-b, due soon), so it is no supplement candidate.
        #expect(documents.map { $0["type"] as? String } == [
            "due_reminder", "list_change", "data_correction", "overdue_notice", "overdue_notice",
        ])
        #expect(documents.map { $0["subject"] as? String } == ["L-b", "TL-1", "TL-3", "L-a", "L-c"])
        #expect(output.keys == ["TL-1", "TL-1", "TL-3", "TL-2", "TL-2"])
        #expect(documents.allSatisfy { $0["asOf"] as? String == "2026-03-01" })
        let sources = documents.map { $0["source"] as? [String: Any] ?? [:] }
        #expect(sources.map { $0["file"] as? String } == ["loans.csv", "households.csv", "households.csv", "loans.csv", "loans.csv"])
        #expect(sources.map { $0["line"] as? Int } == [3, 2, 3, 2, 4])
        #expect(output.counters == [
            "notificationsByType/due_reminder": 1, "notificationsByType/list_change": 1,
            "notificationsByType/data_correction": 1, "notificationsByType/overdue_notice": 2,
        ])
    }

    @Test func stageCGivesAHouseholdCodeGivenTwiceItsLoansOnce() throws {
        let review: [String: Any] = ["householdCode": "TL-1", "change": "none", "flags": [["code": "duplicate_household_code", "severity": "error"]]]
        let loan: [String: Any] = ["loanId": "L-1", "householdCode": "TL-1", "status": "overdue", "daysOverdue": 10, "flags": []]
        let output = try Self.run("notify.emit", ["batch": Self.batch, "reviews": [review, review], "loans": [loan]])
        let types = try Self.documents(output).map { $0["type"] as? String }
        #expect(types == ["overdue_notice", "data_correction", "data_correction"])
        // A notice without a source yields a document whose source is null.
        #expect(try Self.documents(output).allSatisfy { $0["source"] is NSNull })
    }

    // MARK: The chain

    @Test func aChunkGoesThroughAllThreeStages() throws {
        let households: [[String: Any]] = [
            // Poor (three deprivations), not on the list, an overdue loan: overdue notice, list change.
            Self.item(
                Self.household("TL-1", citizenId: "060123456789", ["unemployedMembers": 1, "uninsuredMembersAged6Plus": 1, "hygienicLatrine": false]),
                line: 2
            ),
            // A duplicate citizen ID, a loan due soon: due reminder, data correction.
            Self.item(
                Self.household("TL-2", citizenId: "060123456790", ["phone": "0912.345.678, 0987654321"]), line: 3,
                extra: ["listFlags": ["duplicate_citizen_id"]]
            ),
            // Unreadable: data correction.
            Self.item(["householdCode": "TL-3"], line: 4, extra: ["inputError": ["column": 2, "message": "unterminated quote"]]),
            // Near-poor on the list, no loan: supplement candidate.
            Self.item(Self.household("TL-4", citizenId: "060123456791", ["listStatus": "near_poor"]), line: 5),
        ]
        let loans: [[String: Any]] = [
            Self.item(Self.loan("L-1", household: "TL-1"), line: 2, file: "loans.csv"),
            Self.item(Self.loan("L-2", household: "TL-2", Self.dueSoon), line: 3, file: "loans.csv"),
        ]
        let stageA = try Self.run("household.review", ["batch": Self.batch, "households": households, "loans": loans])
        #expect(stageA.documents.count == 4)
        // The phone travels with the review notices only, never in the review results.
        #expect(try Self.documents(stageA).allSatisfy { $0["phone"] == nil })
        #expect(!stageA.documents.contains { String(decoding: $0, as: UTF8.self).contains("345") })
        let toB = try #require(stageA.followUp)
        let reviewsToB = try Self.tableRows(Self.parsed(toB.payload)["reviews"]).map { try Fixture.jsonObject(Self.written(.object($0))) }
        #expect(reviewsToB.map { $0["phone"] as? String } == [nil, "0912345678", nil, nil])
        #expect(Self.flags(reviewsToB[1]).map { "\($0["code"]!):\($0["field"]!)" } == ["duplicate_citizen_id:citizenId"])
        let stageB = try Self.run(toB.kind, toB.payload)
        #expect(stageB.keys == ["TL-1", "TL-2"])
        let toC = try #require(stageB.followUp)
        #expect(toC.kind == "notify.emit")
        let reviewsToC = try Self.tableRows(Self.parsed(toC.payload)["reviews"]).map { try Fixture.jsonObject(Self.written(.object($0))) }
        #expect(reviewsToC.map { $0["phone"] as? String } == [nil, "0912345678", nil, nil])
        let stageC = try Self.run(toC.kind, toC.payload)
        #expect(stageC.followUp == nil)
        let documents = try Self.documents(stageC)
        #expect(documents.map { $0["type"] as? String } == [
            "overdue_notice", "list_change", "due_reminder", "data_correction", "data_correction", "supplement_candidate",
        ])
        #expect(documents.map { $0["subject"] as? String } == ["L-1", "TL-1", "L-2", "TL-2", "TL-3", "TL-4"])
        #expect(stageC.keys == ["TL-1", "TL-1", "TL-2", "TL-2", "TL-3", "TL-4"])
        #expect(documents.map { ($0["source"] as? [String: Any])?["line"] as? Int } == [2, 2, 3, 3, 4, 5])
        #expect((documents[4]["message_en"] as? String)?.contains("could not be read") == true)
        // Only the borrower recipient carries the phone; null when the record has none.
        let recipients = documents.map { $0["recipients"] as? [[String: Any]] ?? [] }
        #expect(recipients[2].map { $0["phone"] as? String } == ["0912345678", nil])
        #expect(recipients[2].map { $0["phone"] != nil } == [true, false])
        #expect(recipients[0].first?["phone"] is NSNull)
        #expect(recipients[1...].joined().allSatisfy { $0["role"] as? String == "borrower" || $0["phone"] == nil })
        #expect((documents[4]["corrections"] as? [[String: Any]])?.last?["code"] as? String == "record_unreadable")

        // A loan-only chunk goes straight to stage B, then to C.
        let orphan = try Self.run(
            "loan.status",
            ["batch": Self.batch, "loans": [Self.item(Self.loan("L-9", household: "TL-X"), line: 9, file: "loans.csv", extra: ["listFlags": ["household_not_in_list"]])]]
        )
        let orphanNotices = try Self.run("notify.emit", try #require(orphan.followUp).payload)
        #expect(try Self.documents(orphanNotices).map { $0["type"] as? String } == ["overdue_notice"])
        #expect(orphanNotices.keys == ["TL-X"])
    }

    /// A RESULT carries each key with a 2-byte length, and the worker's encoder trapped on a
    /// household code longer than that (the list's text as written, any length). A key
    /// longer than RESULTS can look up (1,024 bytes) is left out instead, in all three stages.
    @Test func aHouseholdCodeTooLongToLookUpGivesNoKey() throws {
        let long = "TL-" + String(repeating: "9", count: 70_000)
        let households = [
            Self.item(Self.household(long, citizenId: "060123456789"), line: 2),
            Self.item(Self.household("TL-2", citizenId: "060123456790"), line: 3),
        ]
        let loans = [Self.item(Self.loan("L-1", household: long), line: 2, file: "loans.csv")]
        let stageA = try Self.run("household.review", ["batch": Self.batch, "households": households, "loans": loans])
        #expect(stageA.keys.map(\.utf8.count) == [0, 4])
        let stageB = try Self.run("loan.status", try #require(stageA.followUp).payload)
        #expect(stageB.keys.map(\.utf8.count) == [0])
        let stageC = try Self.run("notify.emit", try #require(stageB.followUp).payload)
        #expect(!stageC.keys.isEmpty)
        #expect(stageC.keys.allSatisfy { $0.utf8.count <= 1024 })
    }

    @Test func anUnrepresentableNumberInALoanSurvivesTheHandOver() throws {
        let loanLine = #"{"file":"loans.jsonl","line":2,"record":{"loanId":"L-1","householdCode":"TL-1","program":"poor_household","principal":1e400,"disbursedOn":"2025-01-15","maturityOn":"2027-01-15","repaymentPeriodMonths":4}}"#
        let household = String(decoding: try Self.json(Self.item(Self.household("TL-1", citizenId: "060123456789"), line: 2)), as: UTF8.self)
        let payload = #"{"batch":{"id":"B1","asOf":"2026-03-01"},"households":[\#(household)],"loans":[\#(loanLine)]}"#
        let stageA = try Self.run("household.review", Array(payload.utf8))
        let stageB = try Self.run("loan.status", try #require(stageA.followUp).payload)
        #expect(Self.codes(try Self.documents(stageB)[0]) == ["field_invalid"])
    }

    // MARK: The contract

    @Test func anOrdinaryPayloadIsNotABatchStage() throws {
        #expect(try !ParsedPayload(Array(#"{"asOf":"2026-03-01","household":{}}"#.utf8)).isBatchStage)
        #expect(try ParsedPayload(Array(#"{"batch":{"asOf":"2026-03-01"},"households":[]}"#.utf8)).isBatchStage)
    }

    @Test(arguments: [
        ("household.review", #"{"batch":{"id":"B1"},"households":[]}"#),
        ("household.review", #"{"batch":{"asOf":"2026-02-30"},"households":[]}"#),
        ("household.review", #"{"batch":"B1","households":[]}"#),
        ("household.review", #"{"batch":{"asOf":"2026-03-01","whatIf":"yes"},"households":[]}"#),
        ("household.review", #"{"batch":{"asOf":"2026-03-01"}}"#),
        ("household.review", #"{"batch":{"asOf":"2026-03-01"},"households":{}}"#),
        ("household.review", #"{"batch":{"asOf":"2026-03-01"},"households":[1]}"#),
        ("household.review", #"{"batch":{"asOf":"2026-03-01"},"households":[{"file":"h.csv","record":{}}]}"#),
        ("household.review", #"{"batch":{"asOf":"2026-03-01"},"households":[{"file":"h.csv","line":0,"record":{}}]}"#),
        ("household.review", #"{"batch":{"asOf":"2026-03-01"},"households":[{"file":"h.csv","line":2}]}"#),
        ("household.review", #"{"batch":{"asOf":"2026-03-01"},"households":[{"file":"h.csv","line":2,"record":{},"listFlags":["household_not_in_list"]}]}"#),
        ("household.review", #"{"batch":{"asOf":"2026-03-01"},"households":[{"file":"h.csv","line":2,"record":{},"inputError":{"message":"x"}}]}"#),
        ("household.review", #"{"batch":{"asOf":"2026-03-01"},"households":[],"loans":[{"line":2,"record":{}}]}"#),
        ("loan.status", #"{"batch":{"asOf":"2026-03-01"},"loans":[{"file":"l.csv","line":2,"record":{},"listFlags":["duplicate_citizen_id"]}]}"#),
        ("loan.status", #"{"batch":{"asOf":"2026-03-01"},"loans":[],"reviews":[[]]}"#),
        ("notify.emit", #"{"batch":{"asOf":"2026-03-01"},"reviews":{},"loans":[]}"#),
        ("notify.emit", #"{"batch":{"asOf":"2026-03-01"},"reviews":[],"loans":["L-1"]}"#),
        ("system.echo", #"{"batch":{"asOf":"2026-03-01"}}"#),
        ("household.review", "not json"),
    ])
    func aMalformedStagePayloadIsRejected(_ kind: String, _ payload: String) {
        var rejection: TaskRejection?
        do {
            _ = try BatchStage.run(kind: TaskKind(rawValue: kind), payload: Array(payload.utf8), rules: Fixture.rules)
        } catch {
            rejection = error
        }
        #expect(rejection?.code == "payload_invalid")
    }

    @Test func aBatchDateNoStandardCoversIsRejected() {
        #expect(throws: TaskRejection(code: "no_standard", message: "no poverty standard covers 2031-02-01")) {
            try BatchStage.run(kind: "household.review", payload: Array(#"{"batch":{"asOf":"2031-02-01"},"households":[]}"#.utf8), rules: Fixture.rules)
        }
    }
}

private enum Expectation: Error {
    case missing(String)
}
