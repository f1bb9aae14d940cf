import ChungTayCoding
import Foundation
import Testing
@testable import ChungTayBatchOutput

/// The workbook export of the fixture batch read back with openpyxl and compared with the
/// CSV export of the same batch, as docs/BATCH.md "Export" says the columns land.
@Suite(.enabled(if: WorkbookReader.available, "needs /usr/bin/python3 with openpyxl (python3-openpyxl)"))
struct WorkbookExportTests {
    typealias Fixture = BatchExportTests

    /// The fixture exported both ways: (data directory, CSV export, workbook export).
    static func exportBothWays() throws -> (data: URL, csv: URL, xlsx: URL) {
        let data = try Fixture.makeDataDirectory()
        let csv = data.appendingPathComponent("out-csv")
        let xlsx = data.appendingPathComponent("out-xlsx")
        _ = try BatchExport(dataDirectory: data, batchId: Fixture.batch).write(to: csv)
        var export = BatchExport(dataDirectory: data, batchId: Fixture.batch)
        export.format = .xlsx
        let summary = try export.write(to: xlsx)
        #expect(summary.households == 6 && summary.loans == 4 && summary.notifications == 2)
        #expect(summary.communes == 4 && summary.groups == 3)
        // 4 commune workbooks, 3 group workbooks and their JSON, notifications, summary.
        #expect(summary.filesWritten == 4 + 3 * 2 + 1 + 1)
        return (data, csv, xlsx)
    }

    static func sheet(_ sheets: [WorkbookReader.Sheet], _ name: String) throws -> WorkbookReader.Sheet {
        try #require(sheets.first { $0.name == name }, "sheet \(name) in \(sheets.map(\.name))")
    }

    /// A list sheet's data rows as the CSV's fields (trailing empty cells kept to the title row's width).
    static func fields(_ sheet: WorkbookReader.Sheet, from first: Int, width: Int) -> [[String]] {
        sheet.rows.dropFirst(first).map { row in
            (0..<width).map { column in column < row.count ? WorkbookReader.csvText(row[column]) : "" }
        }
    }

    @Test func workbooksHoldTheCSVRowsUnderVietnameseTitles() throws {
        let (data, csv, xlsx) = try Self.exportBothWays()
        defer { try? FileManager.default.removeItem(at: data) }

        let files = try FileManager.default.subpathsOfDirectory(atPath: xlsx.path).filter { !$0.hasPrefix(".") }
        #expect(Set(files) == [
            "communes", "communes/Gia An.xlsx", "communes/Đức Phú.xlsx", "communes/(unknown).xlsx", "communes/(not in list).xlsx",
            "savings-groups", "savings-groups/TK-01.xlsx", "savings-groups/TK-01.json", "savings-groups/TK_02.xlsx",
            "savings-groups/TK_02.json", "savings-groups/(no group).xlsx", "savings-groups/(no group).json",
            "notifications.xlsx", "summary.json",
        ])
        for file in files {
            let path = xlsx.appendingPathComponent(file).path
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            #expect(try Fixture.mode(path) == (isDirectory.boolValue ? 0o700 : 0o600), "\(file)")
            if file.hasSuffix(".json") {
                #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: csv.appendingPathComponent(file)), "\(file)")
            }
        }

        // Communes: each sheet is its CSV, titles in row 1, rows from row 2, columns in the CSV's order.
        for commune in ["Gia An", "Đức Phú", "(unknown)", "(not in list)"] {
            let sheets = try WorkbookReader.read(xlsx.appendingPathComponent("communes/\(commune).xlsx").path)
            let hasHouseholds = FileManager.default.fileExists(atPath: csv.appendingPathComponent("communes/\(commune)/households.csv").path)
            #expect(sheets.map(\.name) == (hasHouseholds ? ["Hộ gia đình", "Khoản vay"] : ["Khoản vay"]), "\(commune)")
            for (name, file, columns) in [
                ("Hộ gia đình", "households.csv", ExportColumn.households), ("Khoản vay", "loans.csv", ExportColumn.loans),
            ] where name == "Khoản vay" || hasHouseholds {
                let sheet = try Self.sheet(sheets, name)
                let records = try Fixture.readCSV(csv.appendingPathComponent("communes/\(commune)/\(file)"))
                #expect(records.first == columns.map(\.name))
                #expect(sheet.rows.first?.map { $0.value ?? "" } == columns.map(\.title), "\(commune) \(name) titles")
                #expect(Self.fields(sheet, from: 1, width: columns.count) == Array(records.dropFirst()), "\(commune) \(name)")
                #expect(sheet.frozen == "A2")
            }
        }

        // Notifications, in store order, texts with quotes and line breaks as they are.
        let notifications = try Self.sheet(try WorkbookReader.read(xlsx.appendingPathComponent("notifications.xlsx").path), "Thông báo")
        let notificationRecords = try Fixture.readCSV(csv.appendingPathComponent("notifications.csv"))
        #expect(notifications.rows.first?.map { $0.value ?? "" } == ExportColumn.notifications.map(\.title))
        #expect(Self.fields(notifications, from: 1, width: ExportColumn.notifications.count) == Array(notificationRecords.dropFirst()))
        #expect(notifications.rows.count == 3)

        // Savings groups: titles in row 9, rows from row 10 to the first row without an STT,
        // each CSV column in its column (section and status in words).
        for group in ["TK-01", "TK_02", "(no group)"] {
            let sheet = try Self.sheet(try WorkbookReader.read(xlsx.appendingPathComponent("savings-groups/\(group).xlsx").path), "Danh sách")
            let records = try Fixture.readCSV(csv.appendingPathComponent("savings-groups/\(group).csv"))
            let header = try #require(records.first)
            #expect(sheet.rows[8].map { $0.value ?? "" } == ExportColumn.groupList.map(\.title))
            let rows = sheet.rows.dropFirst(9).prefix { $0.first?.type != "NoneType" }
            #expect(rows.count == records.count - 1, "\(group)")
            for (index, (row, record)) in zip(rows, records.dropFirst()).enumerated() {
                #expect(row[0].value == String(index + 1))
                for (column, definition) in ExportColumn.groupList.enumerated().dropFirst() {
                    var expected = record[try #require(header.firstIndex(of: definition.name))]
                    if definition.name == "section" { expected = GroupListWorkbook.note(expected) }
                    if definition.name == "current", !expected.isEmpty { expected = PrintedTerms.householdClass(expected) }
                    #expect(WorkbookReader.csvText(row[column]) == expected, "\(group) row \(index + 1) \(definition.name)")
                }
            }
            #expect(sheet.frozen == "A10")
            #expect(sheet.printTitles == "$9:$9")
        }
    }

    @Test func cellsAreTypedAndFormatted() throws {
        let (data, _, xlsx) = try Self.exportBothWays()
        defer { try? FileManager.default.removeItem(at: data) }
        let sheets = try WorkbookReader.read(xlsx.appendingPathComponent("communes/Gia An.xlsx").path)
        let households = try Self.sheet(sheets, "Hộ gia đình")
        let first = households.rows[1]
        // Codes and names are text; money is an integer shown with thousands separators.
        #expect(first[0] == .init(type: "str", value: "H2", format: "@", bold: false))
        #expect(first[1].value == "Đinh Thị Ánh")
        #expect(first[6] == .init(type: "int", value: "1200000", format: "#,##0", bold: false))
        #expect(first[7].format == "#,##0")
        #expect(first[8].type == "int" && first[8].value == "2")
        #expect(first[9] == .init(type: "str", value: "health_insurance;housing_area", format: "@", bold: false))
        #expect(first[14].type == "NoneType")
        #expect(first[15].type == "int" && first[15].value == "60")
        #expect(first[19].type == "int" && first[19].value == "3")
        #expect(households.rows[0].allSatisfy { $0.bold })
        #expect(households.widths["B"] ?? 0 >= 20, "the name column is wide: \(households.widths)")

        let loans = try Self.sheet(sheets, "Khoản vay")
        let loan = loans.rows[1]
        #expect(loan[0] == .init(type: "str", value: "L1", format: "@", bold: false))
        #expect(loan[10] == .init(type: "datetime", value: "2025-07-15T00:00:00", format: "dd/mm/yyyy", bold: false))
        #expect(loan[11] == .init(type: "int", value: "1000000", format: "#,##0", bold: false))
        #expect(loan[14].type == "float" && loan[14].value == "6.6")

        let group = try Self.sheet(try WorkbookReader.read(xlsx.appendingPathComponent("savings-groups/TK-01.xlsx").path), "Danh sách")
        #expect(group.rows[0][0].value == "NGÂN HÀNG CHÍNH SÁCH XÃ HỘI")
        #expect(group.rows[1][0].value == "ĐIỂM GIAO DỊCH XÃ GIA AN")
        #expect(group.rows[3][0].value == "DANH SÁCH HỘ VAY ĐẾN HẠN, QUÁ HẠN VÀ HỘ ĐỀ NGHỊ VAY BỔ SUNG")
        #expect(group.rows[4][0].value == "Phiên giao dịch ngày 01/07/2025")
        #expect(group.rows[5][1].value == "Tổ TK&VV: TK-01")
        #expect(group.rows[6][1].value == "Xã: Gia An")
        let borrower = group.rows[9]
        #expect(borrower[5].type == "datetime" && borrower[5].format == "dd/mm/yyyy")
        #expect(borrower[6] == .init(type: "int", value: "1000000", format: "#,##0", bold: false))
        #expect(borrower[13].value == "Đến hạn")
        #expect(group.rows[11][11].value == "Hộ cận nghèo")
        #expect(group.rows[11][13].value == "Đề nghị vay bổ sung")
        let totals = group.rows[12]
        #expect(totals[0].type == "NoneType")
        #expect(totals[1].value == "Tổng cộng: 2 khoản vay, 1 hộ đề nghị vay bổ sung")
        #expect(totals[6].value == "=SUM(G10:G12)" && totals[6].bold)
        #expect(totals[8].value == "=SUM(I10:I12)")
        // The label runs from B over C–F, with no border line across it (cells cannot be merged).
        #expect(group.edges[12][1] == "thin/None" && totals[1].bold)
        #expect(group.edges[12][2...5].allSatisfy { $0 == "None/None" }, "\(group.edges[12])")
        #expect(group.edges[12][6] == "thin/thin" && group.edges[11][2] == "thin/thin")
        #expect(group.rows.contains { $0.contains { $0.value == "CÁN BỘ TÍN DỤNG" } })
    }

    /// Communes and groups named what no file or sheet may be called (separators, Excel's
    /// forbidden sheet characters, a leading dot, 255 bytes) export both ways: each name
    /// becomes a safe file name, and the name itself stays in the cells.
    @Test func namesThatAreNotFileOrSheetNamesExport() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-names-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let long = String(repeating: "Đ", count: 127) + "x"  // 255 bytes
        let names = ["../Gia An", "[Tổ]: *?/\\", ".hidden", long, "Thôn 1 — Xã Đức Tân, huyện Tánh Linh (tỉnh Lâm Đồng)"]
        var reviews: [String] = []
        var loans: [String] = []
        for (index, name) in names.enumerated() {
            reviews.append(Fixture.review("1.\(index)", code: "H\(index)", name: "Chủ hộ \(index)", commune: name,
                                          village: "Thôn 1", group: name, current: "poor", score: 50, line: index + 2))
            loans.append(Fixture.loan("2.\(index)", id: "L\(index)", household: "H\(index)", status: "due_soon",
                                      nextDueOn: "2025-07-15", nextDueAmount: 1_000, daysOverdue: 0, overduePrincipal: 0,
                                      interestDue: 10, surcharge: 0, line: index + 2))
        }
        var committed: [String: Int64] = [:]
        try Fixture.writeSegments("household.review", [reviews], in: data, committed: &committed)
        try Fixture.writeSegments("loan.status", [loans], in: data, committed: &committed)
        try CommittedEnds.record(committed, in: data)
        for format in ExportFormat.allCases {
            let out = data.appendingPathComponent("out-\(format.rawValue)")
            var export = BatchExport(dataDirectory: data, batchId: Fixture.batch)
            export.format = format
            let summary = try export.write(to: out)
            #expect(summary.communes == names.count && summary.groups == names.count, "\(format)")
            let communes = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("communes").path)
            let groups = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("savings-groups").path)
            #expect(communes.count == names.count && groups.count == names.count * 2, "\(communes) \(groups)")
            for file in communes + groups {
                #expect(!file.hasPrefix(".") && !file.contains("/") && !file.contains("\\") && file.utf8.count <= 255, "\(file)")
            }
            guard format == .xlsx, WorkbookReader.available else { continue }
            var heads: Set<String> = []
            for file in communes {
                let sheets = try WorkbookReader.read(out.appendingPathComponent("communes/\(file)").path)
                #expect(sheets.map(\.name) == ["Hộ gia đình", "Khoản vay"])
                if let row = sheets.first?.rows.dropFirst().first { heads.insert(row[1].value ?? "") }
            }
            #expect(heads == Set(names.indices.map { "Chủ hộ \($0)" }))
            var groupLines: Set<String> = []
            for file in groups where file.hasSuffix(".xlsx") {
                let sheet = try Self.sheet(try WorkbookReader.read(out.appendingPathComponent("savings-groups/\(file)").path), "Danh sách")
                groupLines.insert(sheet.rows[5][1].value ?? "")
            }
            #expect(groupLines == Set(names.map { "Tổ TK&VV: \($0)" }))
        }
    }

    @Test func theSameBatchExportsTheSameBytes() throws {
        let (data, _, xlsx) = try Self.exportBothWays()
        defer { try? FileManager.default.removeItem(at: data) }
        let again = data.appendingPathComponent("again")
        var export = BatchExport(dataDirectory: data, batchId: Fixture.batch)
        export.format = .xlsx
        _ = try export.write(to: again)
        for file in try FileManager.default.subpathsOfDirectory(atPath: xlsx.path) where file.hasSuffix(".xlsx") {
            #expect(try Data(contentsOf: xlsx.appendingPathComponent(file)) == Data(contentsOf: again.appendingPathComponent(file)), "\(file)")
        }
        // An earlier export of the other format is replaced whole.
        _ = try BatchExport(dataDirectory: data, batchId: Fixture.batch).write(to: again)
        #expect(!FileManager.default.fileExists(atPath: again.appendingPathComponent("notifications.xlsx").path))
        #expect(FileManager.default.fileExists(atPath: again.appendingPathComponent("communes/Gia An/households.csv").path))
        _ = try export.write(to: again)
        #expect(!FileManager.default.fileExists(atPath: again.appendingPathComponent("notifications.csv").path))
    }

    @Test func aLongListGoesOnInTheNextSheet() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-sheets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("list.xlsx").path
        let columns = [ExportColumn.householdCode, ExportColumn.headName, ExportColumn.outstanding]
        try XLSXWorkbook.withCNumbers {
            let workbook = try XLSXWorkbook(path: path, temporaryDirectory: directory.path, created: CivilDate(year: 2025, month: 7, day: 1)!)
            let list = try ListSheet(in: workbook, name: "Hộ gia đình", columns: columns, rowsPerSheet: 3)
            for number in 1...5 {
                try list.append(["00\(number)", number == 2 ? "=SUM(A1:A9)" : "Tên \(number)\u{1}", "\(number)000000"])
            }
            try list.finish()
            try workbook.close()
        }
        let sheets = try WorkbookReader.read(path)
        #expect(sheets.map(\.name) == ["Hộ gia đình", "Hộ gia đình (2)", "Hộ gia đình (3)"])
        #expect(sheets.map(\.rows.count) == [3, 3, 2])
        #expect(sheets.allSatisfy { $0.rows[0].map(\.value) == columns.map(\.title) && $0.frozen == "A2" })
        let rows = sheets.flatMap { $0.rows.dropFirst() }
        #expect(rows.map { $0[0].value } == ["001", "002", "003", "004", "005"])
        #expect(rows[1][1] == .init(type: "str", value: "=SUM(A1:A9)", format: "@", bold: false))
        #expect(rows[0][1].value == "Tên 1\u{FFFD}")
        #expect(rows[4][2] == .init(type: "int", value: "5000000", format: "#,##0", bold: false))
        #expect(try Fixture.mode(path) == 0o600)
    }
}

/// What a CSV field becomes in a workbook cell.
@Suite struct WorkbookCellTests {
    @Test func numbersOnlyInTheCSVsOwnSpelling() {
        #expect(WorkbookCell("1200000", kind: .money) == .number(1_200_000))
        #expect(WorkbookCell("6.6", kind: .number) == .number(6.6))
        #expect(WorkbookCell("-0.05", kind: .number) == .number(-0.05))
        #expect(WorkbookCell("999999999999999", kind: .money) == .number(999_999_999_999_999))
        for text in ["007", "6.60", "1e3", " 5", "1000000000000000", "4.965.000", "40,8", "-0", "abc"] {
            #expect(WorkbookCell(text, kind: .money) == .text(text), "\(text)")
        }
        #expect(WorkbookCell("1200000", kind: .text) == .text("1200000"))
    }

    @Test func datesFromISOOnly() {
        #expect(WorkbookCell("2025-07-15", kind: .date) == .date(CivilDate(year: 2025, month: 7, day: 15)!))
        #expect(WorkbookCell("1900-03-01", kind: .date) == .date(CivilDate(year: 1900, month: 3, day: 1)!))
        for text in ["1900-02-28", "15/07/2025", "2025-02-30", "2025-07-15T00:00:00Z"] {
            #expect(WorkbookCell(text, kind: .date) == .text(text), "\(text)")
        }
    }

    @Test func emptyAndLongText() {
        #expect(WorkbookCell(nil, kind: .text) == .empty)
        #expect(WorkbookCell("", kind: .money) == .empty)
        #expect(WorkbookCell("=1+1", kind: .text) == .text("=1+1"))
        #expect(WorkbookCell("a\r\nb\rc\nd\te\u{0}f\u{1B}", kind: .text) == .text("a\nb\nc\nd\te\u{FFFD}f\u{FFFD}"))
        let long = String(repeating: "Nguyễn ", count: 6_000)
        guard case .text(let clipped) = WorkbookCell(long, kind: .text) else {
            Issue.record("long text is text")
            return
        }
        #expect(clipped.utf16.count == WorkbookCell.maximumTextLength)
        #expect(long.hasPrefix(clipped))
    }

    @Test func fieldRowsRoundTrip() {
        let row: [String?] = ["H1", nil, "", "Đinh \"Thị\"\r\nÁnh", nil]
        let bytes = FieldRow.encode(row)
        #expect(bytes.withUnsafeBufferPointer { FieldRow.decode($0) } == row)
    }

    @Test func formatFollowsTheTerminal() {
        #expect(ExportFormat.default(standardOutputIsTerminal: true) == .xlsx)
        #expect(ExportFormat.default(standardOutputIsTerminal: false) == .csv)
    }

    @Test func recordColumnsTakeTheImportTitles() {
        #expect(ExportColumn.householdCode.title == "Mã hộ")
        #expect(ExportColumn.headName.title == "Họ và tên chủ hộ")
        #expect(ExportColumn.loanId.title == "Mã khoản vay")
        #expect(ExportColumn.annualRatePercent.title == "Lãi suất (%/năm)")
        #expect(Exporter.householdColumns == [
            "householdCode", "headName", "village", "savingsGroup", "association", "standard", "incomePerCapita",
            "povertyLine", "deprivationCount", "deprivations", "classification", "previous", "current", "change",
            "escapedOn", "priorityScore", "eligiblePrograms", "flags", "sourceFile", "sourceLine",
        ])
        #expect(Exporter.loanColumns == [
            "loanId", "householdCode", "headName", "village", "program", "status", "outstanding", "overduePrincipal",
            "daysOverdue", "overdueBucket", "nextDueOn", "nextDueAmount", "interestDue", "overdueSurcharge",
            "annualRatePercent", "flags", "sourceFile", "sourceLine",
        ])
        #expect(Exporter.notificationColumns == [
            "type", "subject", "dedupKey", "recipients", "message_vi", "sms", "sourceFile", "sourceLine", "state", "recipientStates",
        ])
    }
}
