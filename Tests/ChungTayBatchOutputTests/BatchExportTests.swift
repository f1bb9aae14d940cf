import Foundation
import Testing
import ChungTayBatchOutput

/// A fake data directory with documents of two batches, exported and read back.
@Suite struct BatchExportTests {
    static let batch = "B000001"
    static let other = "B000002"

    // MARK: - Fixture

    static func review(
        _ task: String, batch: String? = batch, code: String, name: String, commune: String?, village: String,
        group: String?, current: String, score: Int?, line: Int
    ) -> String {
        let batchField = batch.map { "\"\($0)\"" } ?? "null"
        let communeField = commune.map { json($0) } ?? "null"
        let groupField = group.map { json($0) } ?? "null"
        let scoreField = score.map(String.init) ?? "null"
        return """
            {"taskId":"\(task)","kind":"household.review","batchId":\(batchField),"processedAt":"2025-07-01T00:00:00Z",\
            "worker":"w1","asOf":"2025-07-01","householdCode":\(json(code)),"headName":\(json(name)),\
            "commune":\(communeField),"village":\(json(village)),"savingsGroup":\(groupField),"association":"hoi_nong_dan",\
            "standard":"2022-2025","incomePerCapita":1200000,"povertyLine":1500000,"deprivations":["health_insurance","housing_area"],\
            "deprivationCount":2,"classification":"\(current == "newly_escaped" ? "average" : current)","previous":"poor",\
            "current":"\(current)","escapedOn":null,"change":"none","eligiblePrograms":["ho_ngheo","nuoc_sach"],\
            "priorityScore":\(scoreField),"flags":[{"code":"income_outlier","severity":"warning","field":"incomePerCapita",\
            "message_vi":"Thu nhập bất thường","message_en":"Unusual income"}],"whatIf":null,\
            "source":{"file":"households.csv","line":\(line)}}
            """
    }

    static func loan(
        _ task: String, batch: String = batch, id: String, household: String, status: String, nextDueOn: String?,
        nextDueAmount: Int?, daysOverdue: Int, overduePrincipal: Int, interestDue: Int, surcharge: Int, line: Int
    ) -> String {
        let bucket = daysOverdue > 0 ? "\"1_90\"" : "null"
        return """
            {"taskId":"\(task)","kind":"loan.status","batchId":"\(batch)","processedAt":"2025-07-01T00:00:00Z",\
            "worker":"w1","asOf":"2025-07-01","loanId":\(json(id)),"householdCode":\(json(household)),"program":"ho_ngheo",\
            "status":"\(status)","outstanding":10000000,"overduePrincipal":\(overduePrincipal),"daysOverdue":\(daysOverdue),\
            "overdueBucket":\(bucket),"nextDueOn":\(nextDueOn.map { json($0) } ?? "null"),\
            "nextDueAmount":\(nextDueAmount.map(String.init) ?? "null"),"interestDue":\(interestDue),\
            "overdueSurcharge":\(surcharge),"annualRatePercent":6.6,"flags":[],"source":{"file":"loans.csv","line":\(line)}}
            """
    }

    static func notification(_ task: String, batch: String = batch, type: String, subject: String, message: String, line: Int)
        -> String
    {
        """
        {"taskId":"\(task)","kind":"notify.emit","batchId":"\(batch)","processedAt":"2025-07-01T00:00:00Z","worker":"w1",\
        "asOf":"2025-07-01","type":"\(type)","dedupKey":"\(type)|\(subject)|2025-07","subject":\(json(subject)),\
        "recipients":[{"role":"borrower","id":\(json(subject)),"channel":"sms"},\
        {"role":"group_leader","id":"TK-01","channel":"group_list"}],"message_vi":\(json(message)),\
        "message_en":"Reminder","sms":"Nhac no","smsParts":1,"smsSegments":["Nhac no"],\
        "source":{"file":"loans.csv","line":\(line)}}
        """
    }

    static func json(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// Writes the store and returns the data directory.
    static func makeDataDirectory() throws -> URL {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-export-\(UUID().uuidString)")
        // What the journal has committed: every whole line, not the one still being written.
        var committed: [String: Int64] = [:]
        func store(_ kind: String, _ segments: [[String]], partial: String? = nil) throws {
            try writeSegments(kind, segments, partial: partial, in: data, committed: &committed)
        }
        let nguyen = review("1.1", code: "H1", name: "Nguyễn Văn Bình", commune: "Gia An", village: "Thôn 1",
                            group: "TK-01", current: "poor", score: 80, line: 2)
        let dinh = review("1.2", code: "H2", name: "Đinh Thị Ánh", commune: "Gia An", village: "Thôn 1",
                          group: "TK-01", current: "near_poor", score: 60, line: 3)
        let tran = review("1.3", code: "H3", name: "Trần \"Tí\", Út", commune: "Gia An", village: "Thôn 2",
                          group: "TK-01", current: "average", score: nil, line: 4)
        let duong = review("2.1", code: "H6", name: "Dương Văn An", commune: "Gia An", village: "Thôn 1",
                           group: "TK-01", current: "above", score: nil, line: 7)
        let le = review("2.2", code: "H4", name: "Lê Văn Cường", commune: "Đức Phú", village: "Thôn 3",
                        group: "TK/02", current: "newly_escaped", score: 90, line: 5)
        let pham = review("2.3", code: "H5", name: "Phạm Văn Dũng", commune: nil, village: "Thôn 9",
                          group: nil, current: "poor", score: 10, line: 6)
        let otherBatch = review("9.1", batch: other, code: "H7", name: "Người Khác Lô", commune: "Gia An",
                                village: "Thôn 1", group: "TK-01", current: "poor", score: 99, line: 2)
        let noBatch = review("8.1", batch: nil, code: "H8", name: "Không Lô", commune: "Gia An",
                             village: "Thôn 1", group: "TK-01", current: "poor", score: 99, line: 2)
        // Segment 1, then segment 2 with a copy of a document and a line still being written.
        try store("household.review", [[nguyen, otherBatch, dinh, tran], [noBatch, duong, le, pham, dinh]],
                  partial: String(review("2.4", code: "H9", name: "Chưa Xong", commune: "Gia An", village: "Thôn 1",
                                         group: "TK-01", current: "poor", score: 1, line: 8).prefix(120)))
        try store("loan.status", [[
            loan("3.1", id: "L1", household: "H1", status: "due_soon", nextDueOn: "2025-07-15", nextDueAmount: 1_000_000,
                 daysOverdue: 0, overduePrincipal: 0, interestDue: 50_000, surcharge: 0, line: 2),
            loan("3.2", id: "L3", household: "H3", status: "overdue", nextDueOn: "2025-05-15", nextDueAmount: 2_000_000,
                 daysOverdue: 45, overduePrincipal: 2_000_000, interestDue: 30_000, surcharge: 12_000, line: 3),
            loan("9.2", batch: other, id: "L7", household: "H7", status: "overdue", nextDueOn: "2025-05-15",
                 nextDueAmount: 5, daysOverdue: 45, overduePrincipal: 5, interestDue: 5, surcharge: 5, line: 2),
            loan("3.3", id: "L4", household: "H4", status: "settled", nextDueOn: nil, nextDueAmount: nil,
                 daysOverdue: 0, overduePrincipal: 0, interestDue: 0, surcharge: 0, line: 4),
            loan("4.1", id: "L9", household: "X-999", status: "overdue", nextDueOn: "2025-06-15", nextDueAmount: 700_000,
                 daysOverdue: 16, overduePrincipal: 700_000, interestDue: 4_000, surcharge: 1_000, line: 5),
        ]])
        try store("notify.emit", [[
            notification("5.1", type: "due_reminder", subject: "L1", message: "Kính gửi ông Bình, khoản vay \"L1\"\nđến hạn", line: 2),
            notification("9.3", batch: other, type: "due_reminder", subject: "L7", message: "Other batch", line: 2),
            notification("5.2", type: "overdue_notice", subject: "L3", message: "Quá hạn", line: 3),
        ]])
        try store("batch.summary", [[
            #"{"asOf":"2025-07-01","batchId":"B000001","kind":"batch.summary","households":5,"taskId":"summary-B000001","version":1}"#,
            #"{"asOf":"2025-07-01","batchId":"B000002","kind":"batch.summary","households":1,"taskId":"summary-B000002"}"#,
            #"{"asOf":"2025-07-01","batchId":"B000001","kind":"batch.summary","households":6,"taskId":"summary-B000001b","version":2}"#,
        ]])
        try CommittedEnds.record(committed, in: data)
        return data
    }

    /// Writes a store's segments as a dispatcher does, a line still being written
    /// (`partial`) after the last; notes each segment's committed end.
    static func writeSegments(
        _ kind: String, _ segments: [[String]], partial: String? = nil, in data: URL, committed: inout [String: Int64]
    ) throws {
        let directory = data.appendingPathComponent("store/\(kind)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (index, lines) in segments.enumerated() {
            var text = lines.map { $0 + "\n" }.joined()
            let name = String(format: "segment-%06d.jsonl", index + 1)
            committed["\(kind)/\(name)"] = Int64(text.utf8.count)
            if index == segments.count - 1, let partial { text += partial }
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
    }

    // MARK: - Reading back

    /// RFC 4180 records of a file written by the export; checks the byte order mark and CRLF.
    static func readCSV(_ url: URL) throws -> [[String]] {
        let bytes = Array(try Data(contentsOf: url))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]), "\(url.lastPathComponent) starts with a BOM")
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var index = 3
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                record.append(String(decoding: field, as: UTF8.self))
                field = []
            } else if byte == 0x0D {
                #expect(index + 1 < bytes.count && bytes[index + 1] == 0x0A, "CR is followed by LF")
                record.append(String(decoding: field, as: UTF8.self))
                records.append(record)
                record = []
                field = []
                index += 1
            } else {
                #expect(byte != 0x0A, "no bare LF outside quotes")
                field.append(byte)
            }
            index += 1
        }
        #expect(record.isEmpty && field.isEmpty, "the last record ends with CRLF")
        return records
    }

    /// Rows as dictionaries by header.
    static func rows(_ url: URL) throws -> [[String: String]] {
        let records = try readCSV(url)
        guard let header = records.first else { return [] }
        return records.dropFirst().map { record in
            #expect(record.count == header.count)
            return Dictionary(uniqueKeysWithValues: zip(header, record))
        }
    }

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    // MARK: - Tests

    @Test func exportsCommunesGroupsNotificationsAndSummary() throws {
        let data = try Self.makeDataDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let out = data.appendingPathComponent("out")
        let summary = try BatchExport(dataDirectory: data, batchId: Self.batch).write(to: out)

        #expect(summary.households == 6)
        #expect(summary.loans == 4)
        #expect(summary.notifications == 2)
        #expect(summary.communes == 4)
        #expect(summary.groups == 3)
        #expect(summary.batchSummaryFound)
        #expect(summary.unreadableLines == 0)

        let communes = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("communes").path)
        #expect(Set(communes) == ["Gia An", "Đức Phú", "(unknown)", "(not in list)"])

        // Households of Gia An: village, then name without regard to diacritics (Đinh before Dương).
        let giaAn = out.appendingPathComponent("communes/Gia An")
        let households = try Self.rows(giaAn.appendingPathComponent("households.csv"))
        #expect(households.map { $0["householdCode"] } == ["H2", "H6", "H1", "H3"])
        #expect(households.map { $0["headName"] } == ["Đinh Thị Ánh", "Dương Văn An", "Nguyễn Văn Bình", "Trần \"Tí\", Út"])
        let first = try #require(households.first)
        #expect(first["deprivations"] == "health_insurance;housing_area")
        #expect(first["eligiblePrograms"] == "ho_ngheo;nuoc_sach")
        #expect(first["flags"] == "income_outlier")
        #expect(first["sourceFile"] == "households.csv")
        #expect(first["sourceLine"] == "3")
        #expect(first["incomePerCapita"] == "1200000")
        #expect(first["priorityScore"] == "60")
        #expect(first["escapedOn"] == "")
        let header = try Self.readCSV(giaAn.appendingPathComponent("households.csv")).first
        #expect(header == [
            "householdCode", "headName", "village", "savingsGroup", "association", "standard", "incomePerCapita",
            "povertyLine", "deprivationCount", "deprivations", "classification", "previous", "current", "change",
            "escapedOn", "priorityScore", "eligiblePrograms", "flags", "sourceFile", "sourceLine",
        ])

        // The raw bytes: a name with a comma and quotes is quoted with its quotes doubled.
        let raw = String(decoding: try Data(contentsOf: giaAn.appendingPathComponent("households.csv")), as: UTF8.self)
        #expect(raw.contains("H3,\"Trần \"\"Tí\"\", Út\",Thôn 2,TK-01,"))
        #expect(!raw.contains("Người Khác Lô") && !raw.contains("Không Lô") && !raw.contains("Chưa Xong"))

        // Loans joined to their households; the one whose household is not in the batch apart.
        let loans = try Self.rows(giaAn.appendingPathComponent("loans.csv"))
        #expect(loans.map { $0["loanId"] } == ["L1", "L3"])
        #expect(loans[0]["headName"] == "Nguyễn Văn Bình")
        #expect(loans[0]["village"] == "Thôn 1")
        #expect(loans[1]["overdueBucket"] == "1_90")
        #expect(loans[1]["annualRatePercent"] == "6.6")
        #expect(loans[1]["sourceLine"] == "3")
        let notInList = try Self.rows(out.appendingPathComponent("communes/(not in list)/loans.csv"))
        #expect(notInList.map { $0["loanId"] } == ["L9"])
        #expect(notInList[0]["headName"] == "")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("communes/(not in list)/households.csv").path))
        #expect(try Self.rows(out.appendingPathComponent("communes/Đức Phú/loans.csv")).map { $0["loanId"] } == ["L4"])
        #expect(try Self.rows(out.appendingPathComponent("communes/(unknown)/households.csv")).map { $0["householdCode"] } == ["H5"])
        #expect(try Self.rows(out.appendingPathComponent("communes/(unknown)/loans.csv")).isEmpty)

        // Savings groups: due and overdue borrowers by village then name, then candidates.
        let groups = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("savings-groups").path)
        #expect(Set(groups) == ["TK-01.csv", "TK-01.json", "TK_02.csv", "TK_02.json", "(no group).csv", "(no group).json"])
        let tk01 = try Self.rows(out.appendingPathComponent("savings-groups/TK-01.csv"))
        #expect(tk01.map { $0["section"] } == ["due", "overdue", "supplement_candidate"])
        #expect(tk01.map { $0["householdCode"] } == ["H1", "H3", "H2"])
        #expect(tk01[0]["loanId"] == "L1")
        #expect(tk01[0]["nextDueOn"] == "2025-07-15")
        #expect(tk01[0]["nextDueAmount"] == "1000000")
        #expect(tk01[0]["interestDue"] == "50000")
        #expect(tk01[1]["daysOverdue"] == "45")
        #expect(tk01[1]["overduePrincipal"] == "2000000")
        #expect(tk01[1]["interestDue"] == "30000")
        #expect(tk01[1]["overdueSurcharge"] == "12000")
        #expect(tk01[1]["headName"] == "Trần \"Tí\", Út")
        #expect(tk01[2]["current"] == "near_poor")
        #expect(tk01[2]["priorityScore"] == "60")
        // A settled loan is not active: the newly escaped household is a candidate.
        let tk02 = try Self.rows(out.appendingPathComponent("savings-groups/TK_02.csv"))
        #expect(tk02.map { $0["section"] } == ["supplement_candidate"])
        #expect(tk02.map { $0["householdCode"] } == ["H4"])
        let noGroup = try Self.rows(out.appendingPathComponent("savings-groups/(no group).csv"))
        #expect(noGroup.map { $0["section"] } == ["overdue", "supplement_candidate"])
        #expect(noGroup.map { $0["householdCode"] } == ["X-999", "H5"])
        let groupJSON = String(decoding: try Data(contentsOf: out.appendingPathComponent("savings-groups/TK_02.json")), as: UTF8.self)
        #expect(groupJSON.contains(#""savingsGroup":"TK/02""#))
        #expect(groupJSON.contains(#""asOf":"2025-07-01""#))

        // Notifications of this batch only, with recipient roles.
        let notifications = try Self.rows(out.appendingPathComponent("notifications.csv"))
        #expect(notifications.map { $0["subject"] } == ["L1", "L3"])
        #expect(notifications[0]["recipients"] == "borrower;group_leader")
        #expect(notifications[0]["message_vi"] == "Kính gửi ông Bình, khoản vay \"L1\"\nđến hạn")
        #expect(notifications[0]["dedupKey"] == "due_reminder|L1|2025-07")
        #expect(notifications[0]["sms"] == "Nhac no")

        // The last summary document of the batch, as stored.
        let summaryText = String(decoding: try Data(contentsOf: out.appendingPathComponent("summary.json")), as: UTF8.self)
        #expect(summaryText.contains(#""version":2"#))

        // Personal data: files 0600, directories 0700; no staging left behind.
        let enumerator = try #require(FileManager.default.enumerator(atPath: out.path))
        var checked = 0
        for case let relative as String in enumerator {
            let path = out.appendingPathComponent(relative).path
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            #expect(try Self.mode(path) == (isDirectory.boolValue ? 0o700 : 0o600), "\(relative)")
            #expect(!relative.contains("staging"))
            checked += 1
        }
        #expect(checked > 15)
        #expect(summary.filesWritten == 7 + 6 + 2)
    }

    @Test func otherBatchIsExportedAlone() throws {
        let data = try Self.makeDataDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let out = data.appendingPathComponent("out")
        let summary = try BatchExport(dataDirectory: data, batchId: Self.other).write(to: out)
        #expect(summary.households == 1)
        #expect(summary.loans == 1)
        #expect(summary.notifications == 1)
        let households = try Self.rows(out.appendingPathComponent("communes/Gia An/households.csv"))
        #expect(households.map { $0["headName"] } == ["Người Khác Lô"])
        let summaryText = String(decoding: try Data(contentsOf: out.appendingPathComponent("summary.json")), as: UTF8.self)
        #expect(summaryText.contains(#""batchId":"B000002""#))
    }

    @Test func reExportReplacesAndForeignDirectoryIsRefused() throws {
        let data = try Self.makeDataDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let out = data.appendingPathComponent("out")
        _ = try BatchExport(dataDirectory: data, batchId: Self.batch).write(to: out)
        // Exporting another batch into the same directory leaves none of the first.
        _ = try BatchExport(dataDirectory: data, batchId: Self.other).write(to: out)
        let communes = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("communes").path)
        #expect(communes == ["Gia An"])

        let foreign = data.appendingPathComponent("foreign")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: foreign.appendingPathComponent("notes.txt"))
        #expect(throws: BatchExportError.self) {
            try BatchExport(dataDirectory: data, batchId: Self.batch).write(to: foreign)
        }
        #expect(try String(contentsOf: foreign.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep")
    }

    @Test func unknownBatchWritesEmptyNotifications() throws {
        let data = try Self.makeDataDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let out = data.appendingPathComponent("out")
        let summary = try BatchExport(dataDirectory: data, batchId: "B999999").write(to: out)
        #expect(summary == BatchExport.Summary(filesWritten: 1))
        #expect(try Self.readCSV(out.appendingPathComponent("notifications.csv")).count == 1)
    }
}
