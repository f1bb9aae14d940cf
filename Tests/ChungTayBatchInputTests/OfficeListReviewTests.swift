@testable import ChungTayBatchInput
import ChungTayCoding
import ChungTayRules
import Foundation
import Testing

/// Inputs found in review (REVIEW-16-R3.md): each once crashed, was misread or was refused
/// for no good reason.
@Suite("Office lists: review findings")
struct OfficeListReviewTests {
    @Test("an exponent of Int.min in a number cell's literal is no number, not a trap")
    func hugeExponent() {
        #expect(ExcelNumber.plainDecimal("1e-9223372036854775808") == nil)
        #expect(ExcelNumber.plainDecimal("1E-9223372036854775807") == nil)
        // A point alone, or a sign and a point, has no digit: no number.
        #expect(ExcelNumber.plainDecimal(".") == nil)
        #expect(ExcelNumber.plainDecimal("-.e5") == nil)
        #expect(ExcelNumber.plainDecimal(".5") == "0.5")
    }

    @Test("a group of thousands never starts with 0: 0.965 is not 965 in locale vi")
    func leadingZeroGroup() {
        #expect(NumberLocale.vi.number("0.965") == nil)
        #expect(NumberLocale.vi.number("00.123") == nil)
        #expect(NumberLocale.en.number("0,965") == nil)
        #expect(NumberLocale.vi.number("0,965") == DecimalNumber(parsing: "0.965"))
        #expect(NumberLocale.vi.number("4.965") == DecimalNumber(4965))
        #expect(NumberLocale.evidence("0.965.000") == NumberLocale.Evidence.none)
    }

    @Test("two columns naming the same field refuse the file, naming both")
    func duplicateField() throws {
        let files = try TestFiles()
        let path = try files.write("h.csv", "Mã hộ;Số nhân khẩu;householdCode\nTL-1;4;TL-2\n")
        #expect(throws: BatchInputError.noHeaderRow(
            path: path, message: "columns 1 (\"Mã hộ\") and 3 (\"householdCode\") both name householdCode; remove or rename one"
        )) { try ListPreparation.prepare(path: path, list: .households) }
        let workbook = try writeWorkbook(files, "ds.xlsx", """
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.append(["Mã hộ", "Số nhân khẩu", "Nhân khẩu"])
            ws.append(["TL-1", 4, 5])
            wb.save(path)
            """)
        #expect(throws: BatchInputError.noHeaderRow(
            path: workbook, message: "sheet \"Sheet\": cells B1 (\"Số nhân khẩu\") and C1 (\"Nhân khẩu\") both name members; remove or rename one"
        )) { try ListPreparation.prepare(path: workbook, list: .households) }
    }

    @Test("a column with an empty title is left out, as a workbook's cells outside the header are")
    func emptyTitle() throws {
        let files = try TestFiles()
        let path = try files.write("h.csv", "Mã hộ;;Số nhân khẩu; \nTL-1;x;4;y\n")
        let list = try ListPreparation.prepare(path: path, list: .households)
        #expect(try readAll(list).map(\.record.summary) == [["householdCode=TL-1", "members=4"]])
    }

    @Test("a UTF-8 BOM before Windows-1258 text is not read as three letters of the first title")
    func bomBeforeLegacy() throws {
        let files = try TestFiles()
        let text = "Mã hộ;Họ và tên chủ hộ;Số nhân khẩu\r\nTL-1;Nguyễn Văn An;4\r\nTL-2;Trần Thị Bích;3\r\n"
        let bytes = try #require(LegacyEncoding.windows1258.encode(text))
        let path = try files.write("h.csv", bytes: [0xEF, 0xBB, 0xBF] + bytes)
        let list = try ListPreparation.prepare(path: path, list: .households, encoding: .legacy(.windows1258))
        let records = try readAll(list)
        #expect(records.map(\.line) == [2, 3])
        #expect(records[0].record.summary == ["householdCode=TL-1", "headName=Nguyễn Văn An", "members=4"])
    }

    @Test("CR-only line endings (Excel for Mac's \"CSV (Macintosh)\") keep their lines", arguments: [false, true])
    func carriageReturnsOnly(legacy: Bool) throws {
        let files = try TestFiles()
        let text = "Mã hộ;Họ và tên chủ hộ;Số nhân khẩu\rTL-1;Nguyễn Văn An;4\r\rTL-2;\"Trần\rThị\";3\r"
        let bytes = legacy ? try #require(LegacyEncoding.vni.encode(text)) : Array(text.utf8)
        let path = try files.write("h.csv", bytes: bytes)
        let list = try ListPreparation.prepare(path: path, list: .households)
        #expect(list.statement?.contains("CR line endings") == true)
        let records = try readAll(list)
        #expect(records.map(\.line) == [2, 4])
        #expect(records.map(\.record.summary) == [
            ["householdCode=TL-1", "headName=Nguyễn Văn An", "members=4"], ["householdCode=TL-2", "headName=Trần\nThị", "members=3"],
        ])
    }

    @Test("a list of one column has no delimiter to tell, and reads")
    func oneColumn() throws {
        let files = try TestFiles()
        let path = try files.write("h.txt", "Mã hộ\nTL-1\nTL-2\n")
        let list = try ListPreparation.prepare(path: path, list: .households)
        #expect(try readAll(list).map(\.record.summary) == [["householdCode=TL-1"], ["householdCode=TL-2"]])
    }
}
