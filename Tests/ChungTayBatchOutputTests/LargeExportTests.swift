import ChungTayCoding
import Foundation
import Testing
import ChungTayRules
@testable import ChungTayBatchOutput

/// A few thousand generated documents: rows spill to disk (tiny spill limit), lines
/// cross the reader's chunks, and the group lists must be the ones a single call of
/// `savingsGroupLists` over the whole batch gives.
@Suite struct LargeExportTests {
    struct Generator {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let communes = ["Gia An", "Đức Phú", "Bắc Ruộng", "Nghị Đức", "La Ngâu"]
    static let villages = ["Thôn 1", "thôn 1", "Thôn 2", "Làng Đá", "Lang Da"]
    static let surnames = ["Đinh", "Dinh", "đinh", "Nguyễn", "Trần", "Lê", "Ánh", "Anh"]
    static let given = ["Văn An", "Thị Bình", "Văn Cường", "Thị Út", "Hữu \"Tí\", Em"]
    static let groups: [String?] = ["TK-01", "TK-02", "TK-03", nil]
    static let currents: [String?] = ["poor", "near_poor", "newly_escaped", "average", "above", nil]
    static let statuses: [String?] = ["current", "due_soon", "overdue", "settled", "written_off", "frozen", nil]

    static func text(_ value: String?) -> String { value.map(BatchExportTests.json) ?? "null" }

    /// Review and loan documents of batch B1 (and some of B2), shuffled over the stores.
    static func makeStore(at data: URL) throws -> (reviews: [String], loans: [String]) {
        var random = Generator()
        var reviews: [String] = []
        var loans: [String] = []
        var otherLines: [String] = []
        for index in 0..<2_500 {
            // A few household codes repeat (duplicate_household_code).
            let code = index % 97 == 5 ? "H\(index - 1)" : "H\(index)"
            let name = surnames[random.next(surnames.count)] + " " + given[random.next(given.count)]
            let commune = random.next(20) == 0 ? nil : communes[random.next(communes.count)]
            let score = random.next(5) == 0 ? "null" : String(random.next(100))
            let document = """
                {"taskId":"\(index / 50).\(index % 50 + 1)","kind":"household.review","batchId":"B1",\
                "processedAt":"2025-07-01T00:00:00Z","worker":"w","asOf":"2025-07-01","householdCode":"\(code)",\
                "headName":\(text(name)),"commune":\(text(commune)),"village":\(text(villages[random.next(villages.count)])),\
                "savingsGroup":\(text(groups[random.next(groups.count)])),"association":"hoi_phu_nu","standard":"2022-2025",\
                "incomePerCapita":\(random.next(3_000_000)),"povertyLine":1500000,"deprivations":[],"deprivationCount":0,\
                "classification":null,"previous":null,"current":\(text(currents[random.next(currents.count)])),\
                "escapedOn":null,"change":"none","eligiblePrograms":[],"priorityScore":\(score),"flags":[],\
                "whatIf":null,"source":{"file":"households.csv","line":\(index + 2)}}
                """
            reviews.append(document)
            if index % 10 == 0 {
                otherLines.append(document.replacingOccurrences(of: #""batchId":"B1""#, with: #""batchId":"B2""#))
            }
            for number in 0..<random.next(3) {
                let household = random.next(30) == 0 ? "X\(index)" : code
                let status = statuses[random.next(statuses.count)]
                let days = status == "overdue" ? 1 + random.next(400) : 0
                loans.append("""
                    {"taskId":"L\(index).\(number + 1)","kind":"loan.status","batchId":"B1",\
                    "processedAt":"2025-07-01T00:00:00Z","worker":"w","asOf":"2025-07-01","loanId":"L\(index)-\(number)",\
                    "householdCode":"\(household)","program":"ho_ngheo","status":\(text(status)),"outstanding":1000000,\
                    "overduePrincipal":\(days > 0 ? 100_000 : 0),"daysOverdue":\(days),"overdueBucket":null,\
                    "nextDueOn":"2025-07-\(10 + random.next(18))","nextDueAmount":\(random.next(9) * 100_000),\
                    "interestDue":\(index),"overdueSurcharge":\(number),"annualRatePercent":6.6,"flags":[],\
                    "source":{"file":"loans.csv","line":\(index + 2)}}
                    """)
            }
        }
        var committed: [String: Int64] = [:]
        func write(_ kind: String, _ lines: [String], segments: Int) throws {
            let directory = data.appendingPathComponent("store/\(kind)", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let size = (lines.count + segments - 1) / segments
            for segment in 0..<segments {
                let slice = lines[min(lines.count, segment * size)..<min(lines.count, (segment + 1) * size)]
                let bytes = Data(slice.map { $0 + "\n" }.joined().utf8)
                let name = String(format: "segment-%06d.jsonl", segment + 1)
                try bytes.write(to: directory.appendingPathComponent(name))
                committed["\(kind)/\(name)"] = Int64(bytes.count)
            }
        }
        try write("household.review", interleave(reviews, otherLines), segments: 3)
        try write("loan.status", loans, segments: 2)
        try CommittedEnds.record(committed, in: data)
        return (reviews, loans)
    }

    static func interleave(_ lines: [String], _ others: [String]) -> [String] {
        var result: [String] = []
        for (index, line) in lines.enumerated() {
            result.append(line)
            if index % 25 == 0, index / 25 < others.count { result.append(others[index / 25]) }
        }
        return result
    }

    static func objects(_ lines: [String]) throws -> [JSONObject] {
        try lines.map { try #require(try JSONValue(parsing: Array($0.utf8)).objectValue) }
    }

    @Test func cachedFoldingMatchesWholeTextFolding() {
        var collation = SortKey()
        let texts = [
            "Nguyễn Thị Ánh", "ĐINH văn Đức", "Dinh", "Ba\tLine\nX\u{7}", "A\u{301}nh (tách dấu)", "Ångström", "東京",
            "한국", "Ưu Ơ ư", "", "x\u{0}y",
        ]
        for text in texts {
            #expect(collation.folded(text) == SortKey.folded(text), "\(text)")
        }
        #expect(SortKey.folded("Đinh Thị Ánh") == "dinh thi anh")
    }

    @Test func spilledExportMatchesInMemoryExportAndRulesGroupLists() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-export-large-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let (reviewLines, loanLines) = try Self.makeStore(at: data)

        var spilled = BatchExport(dataDirectory: data, batchId: "B1")
        spilled.spillLimit = 4_096
        let spilledOut = data.appendingPathComponent("spilled")
        let summary = try spilled.write(to: spilledOut)
        let inMemoryOut = data.appendingPathComponent("memory")
        #expect(try BatchExport(dataDirectory: data, batchId: "B1").write(to: inMemoryOut) == summary)
        #expect(summary.households == 2_500)
        #expect(summary.loans == loanLines.count)

        // Byte for byte the same files, whichever way rows were held.
        let files = try #require(FileManager.default.subpaths(atPath: spilledOut.path)).filter { $0.hasSuffix(".csv") }.sorted()
        #expect(files == (try #require(FileManager.default.subpaths(atPath: inMemoryOut.path))).filter { $0.hasSuffix(".csv") }.sorted())
        for file in files {
            #expect(
                try Data(contentsOf: spilledOut.appendingPathComponent(file)) == Data(contentsOf: inMemoryOut.appendingPathComponent(file)),
                "\(file)"
            )
        }

        // Every review once, in its commune, in (folded village, folded name, village, name, code) order.
        let reviews = try Self.objects(reviewLines)
        var total = 0
        for commune in Self.communes + ["(unknown)"] {
            let rows = try BatchExportTests.rows(spilledOut.appendingPathComponent("communes/\(commune)/households.csv"))
            total += rows.count
            func key(_ row: [String: String]) -> [String] {
                let village = row["village"] ?? "", name = row["headName"] ?? ""
                return [SortKey.folded(village), SortKey.folded(name), village, name, row["householdCode"] ?? ""]
            }
            for (earlier, later) in zip(rows, rows.dropFirst()) {
                let left = key(earlier).map { Array($0.utf8) }, right = key(later).map { Array($0.utf8) }
                #expect(!right.lexicographicallyPrecedes(left, by: { $0.lexicographicallyPrecedes($1) }))
            }
            let expected = reviews.filter { ($0["commune"]?.stringValue ?? "(unknown)") == commune }.count
            #expect(rows.count == expected, "\(commune)")
        }
        #expect(total == 2_500)

        // The group lists are those of one call over the whole batch.
        let lists = savingsGroupLists(
            reviews: reviews.map(ReviewNotice.init(document:)), loans: try Self.objects(loanLines).map(LoanNotice.init(document:)),
            asOf: CivilDate(iso: "2025-07-01")!, rules: try RuleBook.bundled()
        )
        #expect(summary.groups == lists.count)
        for list in lists {
            let rows = try BatchExportTests.rows(
                spilledOut.appendingPathComponent("savings-groups/\(list.savingsGroup ?? "(no group)").csv"))
            let expected =
                list.borrowers.map { [$0.status == "overdue" ? "overdue" : "due", $0.householdCode ?? "", $0.loanId ?? ""] }
                + list.candidates.map { ["supplement_candidate", $0.householdCode ?? "", ""] }
            #expect(rows.map { [$0["section"] ?? "", $0["householdCode"] ?? "", $0["loanId"] ?? ""] } == expected)
            // Interest and surcharge come from the borrower's own loan document.
            for row in rows where row["section"] != "supplement_candidate" {
                let loanId = try #require(row["loanId"])
                let parts = loanId.dropFirst().split(separator: "-")
                #expect(row["interestDue"] == String(parts[0]) && row["overdueSurcharge"] == String(parts[1]), "\(loanId)")
            }
        }
    }
}

extension JSONValue {
    fileprivate var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
