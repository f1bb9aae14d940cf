import ChungTayCoding
import Foundation
import Testing

@testable import ChungTayWorkbook

/// Workbooks written by openpyxl (Fixtures/write_workbook.py run with /usr/bin/python3).
@Suite("Workbooks written by openpyxl")
struct OpenpyxlWorkbookTests {
    static func write(_ kind: String, in folder: TemporaryFolder) throws -> String {
        let path = folder.path + "/\(kind).xlsx"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/write_workbook.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script, kind, path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "write_workbook.py \(kind) failed")
        return path
    }

    @Test("types, several sheets, a chart sheet, NFC")
    func types() throws {
        let folder = try TemporaryFolder()
        let workbook = try Workbook(path: Self.write("types", in: folder))
        #expect(workbook.sheetNames == ["Danh sách hộ", "Khoản vay", "Biểu đồ"])
        #expect(!workbook.usesDate1904)
        let rows = try TestWorkbook.rows(workbook, "Danh sách hộ")
        #expect(rows.map(\.number) == [1, 2, 3, 4, 7])
        try #require(rows.count == 5)
        #expect(rows[0].cells == ["A1": .text("DANH SÁCH HỘ GIA ĐÌNH")])
        #expect(rows[1].cells["E2"] == .text("Ngày sinh"))
        #expect(rows[2].cells == [
            "A3": .text("TL-0001"), "B3": .text("Nguyễn Văn An"), "C3": .number(4, literal: "4"),
            "D3": .number(4_965_000, literal: "4965000"), "E3": .date(serial: 27_462), "F3": .bool(true), "G3": .error("#N/A"),
        ])
        #expect(rows[3].cells["B4"] == .text("Trần Thị Bé"))
        #expect(rows[3].cells["D4"] == .number(40.8, literal: "40.8"))
        #expect(rows[3].cells["E4"] == .date(serial: 29_586.5))
        #expect(rows[3].cells["F4"] == .bool(false))
        // openpyxl writes floats to 15 significant digits (0.1 + 0.2 as 0.3); Excel writes 17.
        #expect(rows[4].cells == ["C7": .number(0.3, literal: "0.3"), "AD7": .text("xa")])
        if case .date(let serial)? = rows[2].cells["E3"] {
            #expect(CivilDate(excelSerial: serial, usesDate1904: false)?.description == "1975-03-09")
        }
        #expect(try TestWorkbook.rows(workbook, "Khoản vay").map(\.cells) == [
            ["A1": .text("Mã khoản vay"), "B1": .text("Mã hộ")], ["A2": .text("V-1"), "B2": .text("TL-0001")],
        ])
        #expect(throws: WorkbookError.notAWorksheet(name: "Biểu đồ")) { try workbook.rows(ofSheet: "Biểu đồ") }
    }

    @Test("hidden and very hidden sheets are listed, named hidden and still read")
    func hiddenSheets() throws {
        let folder = try TemporaryFolder()
        let workbook = try Workbook(path: Self.write("hidden", in: folder))
        #expect(workbook.sheetNames == ["Cũ", "Danh sách", "Tra cứu", "Hiện"])
        #expect(workbook.hiddenSheetNames == ["Cũ", "Tra cứu"])
        #expect(try TestWorkbook.rows(workbook, "Cũ").map(\.cells) == [["A1": .text("Mã hộ")]])
    }

    @Test("the 1904 date system")
    func date1904() throws {
        let folder = try TemporaryFolder()
        let workbook = try Workbook(path: Self.write("1904", in: folder))
        #expect(workbook.usesDate1904)
        let rows = try TestWorkbook.rows(workbook, workbook.sheetNames[0])
        #expect(rows.map(\.cells) == [["A1": .date(serial: 44_377), "B1": .number(1.5, literal: "1.5")]])
        #expect(CivilDate(excelSerial: 44_377, usesDate1904: true)?.description == "2025-07-01")
    }

    @Test("20,000 rows of shared strings cross every buffer")
    func manyStrings() throws {
        let folder = try TemporaryFolder()
        let workbook = try Workbook(path: Self.write("strings", in: folder))
        let rows = try workbook.rows(ofSheet: workbook.sheetNames[0])
        var count = 0
        while let row = try rows.next() {
            count += 1
            #expect(row.number == count)
            #expect(row.cells.first?.value == .text("mã \(count)"))
            #expect(row.cells.dropFirst().first?.value == .number(Double(count), literal: "\(count)"))
            let padding = count % 7
            #expect(row.cells.count == (padding == 0 ? 2 : 3))
            if padding > 0 { #expect(row.cells.last?.value == .text(String(repeating: "chuỗi dài ", count: padding))) }
        }
        #expect(count == 20_000)
    }
}
