@testable import ChungTayBatchInput
import ChungTayCoding
import ChungTayRules
import Foundation
import Testing

/// Runs openpyxl (python3-openpyxl) to write a workbook; `script` gets `path`.
func writeWorkbook(_ files: TestFiles, _ name: String, _ script: String) throws -> String {
    let path = files.path(name)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", "import datetime, openpyxl\npath = \(String(reflecting: path))\n" + script]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return path
}

@Suite("ListPreparation: workbooks")
struct WorkbookListTests {
    static let script = """
        wb = openpyxl.Workbook()
        notes = wb.active
        notes.title = "Ghi chú"
        notes["A1"] = "Danh sách lập ngày 1/6/2025"
        hs = wb.create_sheet("Danh sách hộ")
        hs["A1"] = "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO"
        hs.append([])
        hs.append(["Mã hộ", "Họ và tên chủ hộ", "Số CCCD", "Số nhân khẩu", "Diện tích nhà ở (m2)", "Diện hộ từ ngày", "Nước sạch", "Ghi chú"])
        hs.append(["TL-1", "Nguyễn Văn An", "060123456789", 4, 40.8, datetime.date(2024, 6, 5), True, 12])
        hs.append(["TL-2", "Trần Thị Bích", 60123456790, 3, "35,5", "5/6/2024", False, None])
        hs.append(["TL-3", "#N/A", None, 2])
        hs["F4"].number_format = "dd/mm/yyyy"
        ls = wb.create_sheet("Khoản vay")
        ls.append(["Mã khoản vay", "Mã hộ", "Số tiền giải ngân (đồng)", "Ngày giải ngân"])
        ls.append(["V-1", "TL-1", 12000000, datetime.date(2025, 1, 15)])
        ls.append(["V-2", "TL-9", 5000000, "15/01/2025"])
        wb.save(path)
        """

    @Test("the first sheet with a header row, typed cells by column kind, an error cell as the row's input error")
    func households() throws {
        let files = try TestFiles()
        let path = try writeWorkbook(files, "ds.xlsx", Self.script)
        let list = try ListPreparation.prepare(path: path, list: .households)
        #expect(list.statement == "ds.xlsx: sheet \"Danh sách hộ\", header row 3, 8 columns (7 known); numbers written 35,5 (locale vi)")
        #expect(list.source.sheet == "Danh sách hộ")
        let records = try readAll(list)
        #expect(records.map(\.line) == [4, 5, 6])
        #expect(records.allSatisfy { $0.file == "ds.xlsx" && $0.sheet == "Danh sách hộ" })
        #expect(records[0].record.summary == [
            "householdCode=TL-1", "headName=Nguyễn Văn An", "citizenId=060123456789", "members=4", "housingAreaM2=40.8",
            "listStatusSince=2024-06-05", "safeWater=bool(true)", "Ghi chú=12",
        ])
        #expect(records[0].record["safeWater"] == .bool(true))
        #expect(records[1].record.summary == [
            "householdCode=TL-2", "headName=Trần Thị Bích", "citizenId=60123456790", "members=3", "housingAreaM2=35.5",
            "listStatusSince=2024-06-05", "safeWater=bool(false)",
        ])
        #expect(records[2].record.summary == ["householdCode=TL-3", "members=2"])
        #expect(records[2].inputError == InputError(column: 2, field: "headName", message: "error value #N/A in the cell"))
        #expect(records[2].errorDescription == "ds.xlsx:Danh sách hộ!B6: error value #N/A in the cell")
    }

    @Test("one workbook as both lists: households and loans sheets found by their key columns; items name the sheet")
    func bothListsAndChunks() throws {
        let files = try TestFiles()
        let path = try writeWorkbook(files, "ds.xlsx", Self.script)
        let households = try ListPreparation.prepare(path: path, list: .households)
        let loans = try ListPreparation.prepare(path: path, list: .loans)
        #expect(loans.statement == "ds.xlsx: sheet \"Khoản vay\", header row 1, 4 columns (4 known)")
        let index = try ListIndex(households: households, loans: loans)
        #expect(index.householdCount == 3)
        #expect(index.loanCount == 2)
        #expect(index.joinedLoanCount == 1)
        #expect(index.inputErrors == ["ds.xlsx:Danh sách hộ!B6: error value #N/A in the cell"])
        let planner = ChunkPlanner(index: index, batch: BatchHeader(id: "B1", asOf: "2025-06-30", whatIf: false), chunkSize: 2)
        let chunks = try planner.chunks()
        var payloads: [String] = []
        while let chunk = try chunks.next() { payloads.append(String(decoding: chunk.payload, as: UTF8.self)) }
        #expect(payloads.count == 3)
        #expect(payloads[0].contains(#"{"file":"ds.xlsx","sheet":"Danh sách hộ","line":4,"record":{"householdCode":"TL-1","#))
        #expect(payloads[0].contains(#"{"file":"ds.xlsx","sheet":"Khoản vay","line":2,"record":{"loanId":"V-1","householdCode":"TL-1","principal":12000000,"disbursedOn":"2025-01-15"}}"#))
        #expect(payloads[1].contains(#""line":6,"record":{"householdCode":"TL-3","members":2},"inputError":{"column":2,"field":"headName","message":"error value #N/A in the cell"}}"#))
        #expect(payloads[2].contains(#"{"file":"ds.xlsx","sheet":"Khoản vay","line":3,"record":{"loanId":"V-2","householdCode":"TL-9","principal":5000000,"disbursedOn":"2025-01-15"},"listFlags":["household_not_in_list"]}"#))
    }

    @Test("--sheet picks a sheet (case and normal form aside); refusals name what the workbook has")
    func sheets() throws {
        let files = try TestFiles()
        let path = try writeWorkbook(files, "ds.xlsx", Self.script)
        #expect(try ListPreparation.prepare(path: path, list: .loans, sheet: "KHOẢN VAY").source.sheet == "Khoản vay")
        #expect(throws: BatchInputError.noSuchSheet(path: path, sheet: "Sheet9", sheets: ["Ghi chú", "Danh sách hộ", "Khoản vay"])) {
            try ListPreparation.prepare(path: path, list: .households, sheet: "Sheet9")
        }
        #expect(throws: BatchInputError.noHeaderRow(
            path: path, message: "sheet \"Ghi chú\" has no row naming householdCode (\"Mã hộ\") in its first 50 rows")) {
            try ListPreparation.prepare(path: path, list: .households, sheet: "Ghi chú")
        }
        let notes = try writeWorkbook(files, "notes.xlsx", "wb = openpyxl.Workbook()\nwb.active['A1'] = 'x'\nwb.save(path)\n")
        #expect(throws: BatchInputError.noHeaderRow(
            path: notes, message: "no sheet has a row naming loanId (\"Mã khoản vay\") in its first 50 rows (sheets: \"Sheet\"); give --sheet, or add the header row")) {
            try ListPreparation.prepare(path: notes, list: .loans)
        }
        let broken = try files.write("broken.xlsx", "not a zip")
        do {
            _ = try ListPreparation.prepare(path: broken, list: .households)
            Issue.record("a text file was read as a workbook")
        } catch {
            guard case .unreadableWorkbook = error else { Issue.record("\(error)"); return }
        }
    }

    @Test("a hidden sheet is not chosen unasked, even first and with a header row; --sheet still reads it")
    func hiddenSheets() throws {
        let files = try TestFiles()
        let path = try writeWorkbook(files, "ds.xlsx", """
            wb = openpyxl.Workbook()
            old = wb.active
            old.title = "Danh sách cũ"
            old.sheet_state = "hidden"
            old.append(["Mã hộ", "Họ và tên chủ hộ"])
            old.append(["TL-OLD", "Lê Văn Cũ"])
            hs = wb.create_sheet("Danh sách hộ")
            hs.append(["Mã hộ", "Họ và tên chủ hộ"])
            hs.append(["TL-1", "Nguyễn Văn An"])
            wb.create_sheet("Vay cũ").sheet_state = "veryHidden"
            wb["Vay cũ"].append(["Mã khoản vay", "Mã hộ"])
            wb["Vay cũ"].append(["V-OLD", "TL-OLD"])
            wb.active = 1
            wb.save(path)
            """)
        let shown = try ListPreparation.prepare(path: path, list: .households)
        #expect(shown.source.sheet == "Danh sách hộ")
        #expect(try readAll(shown).map { $0.record.summary } == [["householdCode=TL-1", "headName=Nguyễn Văn An"]])
        let asked = try ListPreparation.prepare(path: path, list: .households, sheet: "danh sách cũ")
        #expect(asked.statement == "ds.xlsx: sheet \"Danh sách cũ\", header row 1, 2 columns (2 known)")
        #expect(try readAll(asked).map { $0.record.summary } == [["householdCode=TL-OLD", "headName=Lê Văn Cũ"]])
        // Only a very hidden sheet has the loans header: refused, naming it and --sheet.
        #expect(throws: BatchInputError.noHeaderRow(
            path: path,
            message: "no visible sheet has a row naming loanId (\"Mã khoản vay\") in its first 50 rows "
                + "(sheets: \"Danh sách cũ\" (hidden), \"Danh sách hộ\", \"Vay cũ\" (hidden)); the hidden sheet \"Vay cũ\" has one, "
                + "but Excel does not show it: give --sheet \"Vay cũ\" if it is the list meant, or unhide it in Excel")) {
            try ListPreparation.prepare(path: path, list: .loans)
        }
        #expect(try ListPreparation.prepare(path: path, list: .loans, sheet: "Vay cũ").source.sheet == "Vay cũ")
    }

    @Test("a loans sheet first is not taken for the household list: it names loanId too; alone it is refused, naming --sheet")
    func loansSheetFirst() throws {
        let files = try TestFiles()
        let path = try writeWorkbook(files, "ds.xlsx", """
            wb = openpyxl.Workbook()
            ls = wb.active
            ls.title = "Khoản vay"
            ls.append(["Mã khoản vay", "Mã hộ", "Số tiền giải ngân (đồng)"])
            ls.append(["V-1", "TL-1", 12000000])
            hs = wb.create_sheet("Danh sách hộ")
            hs.append(["Mã hộ", "Họ và tên chủ hộ"])
            hs.append(["TL-1", "Nguyễn Văn An"])
            wb.save(path)
            """)
        let households = try ListPreparation.prepare(path: path, list: .households)
        #expect(households.source.sheet == "Danh sách hộ")
        #expect(try readAll(households).map { $0.record.summary } == [["householdCode=TL-1", "headName=Nguyễn Văn An"]])
        let loans = try ListPreparation.prepare(path: path, list: .loans)
        #expect(loans.source.sheet == "Khoản vay")
        #expect(try ListPreparation.prepare(path: path, list: .households, sheet: "Khoản vay").source.sheet == "Khoản vay")
        let loansOnly = try writeWorkbook(files, "loans.xlsx", """
            wb = openpyxl.Workbook()
            wb.active.title = "Khoản vay"
            wb.active.append(["Mã khoản vay", "Mã hộ"])
            wb.active.append(["V-1", "TL-1"])
            wb.save(path)
            """)
        #expect(throws: BatchInputError.noHeaderRow(
            path: loansOnly,
            message: "no visible sheet has a row naming householdCode (\"Mã hộ\") but not loanId (\"Mã khoản vay\") in its first 50 rows "
                + "(sheets: \"Khoản vay\"); \"Khoản vay\" also names loanId, as a loan list does: give --sheet if the household list is there")) {
            try ListPreparation.prepare(path: loansOnly, list: .households)
        }
    }

    @Test("template rows (only STT, a signature under the table) are skipped and counted; an empty key with two values is a record")
    func templateRowsWorkbook() throws {
        let files = try TestFiles()
        let path = try writeWorkbook(files, "ds.xlsx", """
            wb = openpyxl.Workbook()
            hs = wb.active
            hs.title = "Danh sách hộ"
            hs.append(["STT", "Mã hộ", "Họ và tên chủ hộ", "Số nhân khẩu"])
            hs.append([1, "TL-1", "Nguyễn Văn An", 4])
            hs.append([2, None, "Trần Thị Bích", 3])
            hs.append([3])
            hs.append([4])
            hs.append([None, None, "Người lập biểu"])
            wb.save(path)
            """)
        let list = try ListPreparation.prepare(path: path, list: .households)
        #expect(list.statement == "ds.xlsx: sheet \"Danh sách hộ\", header row 1, 4 columns (3 known); 3 rows without a household code skipped")
        let records = try readAll(list)
        #expect(records.map(\.line) == [2, 3])
        #expect(records[1].record.summary == ["STT=2", "headName=Trần Thị Bích", "members=3"])
    }

    @Test("template rows in a ';' CSV are skipped and counted, their lines kept")
    func templateRowsCSV() throws {
        let files = try TestFiles()
        let path = try files.write("households.csv", "STT;Mã hộ;Họ và tên chủ hộ;Số nhân khẩu\r\n"
            + "1;TL-1;Nguyễn Văn An;4\r\n"
            + "2;;Trần Thị Bích;3\r\n"
            + "3;;;\r\n"
            + ";;Người lập biểu;\r\n"
            + "5;TL-5;Lê C;2\r\n")
        let list = try ListPreparation.prepare(path: path, list: .households)
        #expect(list.statement?.hasSuffix("; 4 columns (3 known); 2 rows without a household code skipped") == true, "\(list.statement ?? "")")
        let records = try readAll(list)
        #expect(records.map(\.line) == [2, 3, 6])
        #expect(records[2].record.summary == ["STT=5", "householdCode=TL-5", "headName=Lê C", "members=2"])
    }

    @Test("a number in a text column is zero-padded only under a 000… number format")
    func zeroPaddedCodes() throws {
        let files = try TestFiles()
        let path = try writeWorkbook(files, "ds.xlsx", """
            wb = openpyxl.Workbook()
            hs = wb.active
            hs.append(["Mã hộ", "Số CCCD", "Số nhân khẩu"])
            hs.append(["TL-1", 60123456789, 4])
            hs.append(["TL-2", 60123456790, 3])
            hs.append(["TL-3", 60123456791, 2])
            hs["B2"].number_format = "000000000000"
            hs["B3"].number_format = "000000000000;@"
            hs["C2"].number_format = "000"
            wb.save(path)
            """)
        let records = try readAll(try ListPreparation.prepare(path: path, list: .households))
        #expect(records.map { $0.record.summary } == [
            ["householdCode=TL-1", "citizenId=060123456789", "members=4"],
            ["householdCode=TL-2", "citizenId=060123456790", "members=3"],
            ["householdCode=TL-3", "citizenId=60123456791", "members=2"],
        ])
    }
}

@Suite("RecordReader: spools")
struct SpoolReaderTests {
    @Test("the error member becomes the input error and leaves the record; blank lines keep line numbers")
    func errorMember() throws {
        let files = try TestFiles()
        let spool = try files.write(
            "list.jsonl",
            "\n\n\n" + #"{"householdCode":"TL-1","members":4}"# + "\n\n"
                + #"{"householdCode":"TL-2","\u0000":{"column":30,"field":"phone","message":"error value #REF! in the cell"}}"# + "\n")
        let reader = try RecordReader(source: ListSource(spool: spool, file: "ds.xlsx", sheet: "Sheet1"))
        let first = try #require(try reader.next())
        #expect(first.line == 4)
        #expect(first.file == "ds.xlsx")
        #expect(first.sheet == "Sheet1")
        #expect(first.inputError == nil)
        let second = try #require(try reader.next())
        #expect(second.line == 6)
        #expect(second.record.summary == ["householdCode=TL-2"])
        #expect(second.inputError == InputError(column: 30, field: "phone", message: "error value #REF! in the cell"))
        #expect(second.errorDescription == "ds.xlsx:Sheet1!AD6: error value #REF! in the cell")
        #expect(try reader.next() == nil)

        var writer = JSONWriter()
        try reader.writeItem(at: second.offset, line: 6, into: &writer, listFlags: [])
        #expect(String(decoding: writer.finish(), as: UTF8.self)
            == #"{"file":"ds.xlsx","sheet":"Sheet1","line":6,"record":{"householdCode":"TL-2"},"inputError":{"column":30,"field":"phone","message":"error value #REF! in the cell"}}"#)
        // Outside a spool the member is an ordinary (odd) field.
        let plain = try #require(try RecordReader(path: spool).next())
        #expect(plain.record.members.count == 2)
    }

    @Test("the spool writer pads to the record's line and writes a too-long record as an error")
    func writer() throws {
        let spool = try SpoolFile()
        let path = spool.path
        let writer = SpoolWriter(spool: spool, naming: "out.csv", maximumRecordBytes: 64)
        try writer.append(line: 3, members: [("a", .string("x"))], error: nil)
        try writer.append(line: 4, members: [("b", .string(String(repeating: "y", count: 100)))], error: nil)
        try writer.flush()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "\n\n" + #"{"a":"x"}"# + "\n" + #"{"\u0000":{"column":1,"message":"record longer than 64 bytes once converted"}}"# + "\n")
    }
}
