@testable import ChungTayBatchInput
import ChungTayCoding
import ChungTayRules
import Foundation
import Testing

/// Every spool record of a prepared list, read as pass 2 reads it.
func readAll(_ list: PreparedList) throws -> [InputRecord] {
    let reader = try RecordReader(source: list.source)
    var records: [InputRecord] = []
    while let record = try reader.next() { records.append(record) }
    return records
}

@Suite("ListPreparation: delimited text")
struct TextListPreparationTests {
    static let officeHeader = "Mã hộ;Họ và tên chủ hộ;Số CCCD;Số nhân khẩu;Diện tích nhà ở (m2);Thu nhập bình quân đầu người/tháng;"
        + "Diện hộ từ ngày;Ghi chú\r\n"

    @Test("a machine CSV is read as it is: no spool, no statement")
    func machineFile() throws {
        let files = try TestFiles()
        let path = try files.write("households.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("householdCode,headName,members\nTL-1,Lê Văn A,4\n".utf8))
        let list = try ListPreparation.prepare(path: path, list: .households)
        #expect(list.source == ListSource(path: path))
        #expect(list.statement == nil)
        #expect(list.spool == nil)
        let jsonl = try files.write("households.jsonl", #"{"householdCode":"TL-1"}"# + "\n")
        #expect(try ListPreparation.prepare(path: jsonl, list: .households).source == ListSource(path: jsonl))
    }

    @Test("a ';' CSV with Vietnamese titles, decimal commas, dot grouping and day-first dates")
    func officeCSV() throws {
        let files = try TestFiles()
        let text = Self.officeHeader
            + "TL-1;Nguyễn Văn An;060123456789;4;40,8;4.965.000;5/6/2024;\"hai\r\ndòng\"\r\n"
            + "\r\n"
            + "TL-2;Trần Thị Bích;060123456790;3;35;1.200.000;2024-01-31;x;thừa\r\n"
            + "TL-3;Lê C;;không rõ;12,50;;31/2/2024;\r\n"
        let path = try files.write("households.csv", text)
        let list = try ListPreparation.prepare(path: path, list: .households)
        #expect(list.statement == "households.csv: UTF-8; delimiter ';'; numbers written 4.965.000 and 40,8 (locale vi); 8 columns (7 known)")
        let records = try readAll(list)
        #expect(records.map(\.line) == [2, 5, 6])
        #expect(records.allSatisfy { $0.file == "households.csv" && $0.sheet == nil })
        #expect(records[0].record.summary == [
            "householdCode=TL-1", "headName=Nguyễn Văn An", "citizenId=060123456789", "members=4", "housingAreaM2=40.8",
            "monthlyIncomePerCapita=4965000", "listStatusSince=2024-06-05", "Ghi chú=hai\r\ndòng",
        ])
        #expect(records[0].record["members"] == .number(DecimalNumber(4)))
        #expect(records[1].inputError == InputError(column: 9, message: "row has 9 cells, the header 8"))
        #expect(records[1].record["listStatusSince"] == .string("2024-01-31"))
        // What does not read as a number or a date stays text, for the record checks to flag.
        #expect(records[2].record.summary == ["householdCode=TL-3", "headName=Lê C", "members=không rõ", "housingAreaM2=12.5", "listStatusSince=31/2/2024"])
        #expect(records[2].inputError == nil)
        // The spool goes with the list.
        let status = try #require(SpoolFileTests.status(of: list))
        #expect(status.st_mode & 0o777 == 0o600)
    }

    @Test("a tab-separated .txt with field names and English numbers")
    func tabSeparated() throws {
        let files = try TestFiles()
        let path = try files.write("households.txt", "householdCode\thousingAreaM2\tmonthlyIncomePerCapita\nTL-1\t40.8\t4,965,000\n")
        let list = try ListPreparation.prepare(path: path, list: .households)
        #expect(list.statement == "households.txt: UTF-8; delimiter tab; numbers written 4,965,000 and 40.8 (locale en); 3 columns (3 known)")
        #expect(try readAll(list)[0].record.summary == ["householdCode=TL-1", "housingAreaM2=40.8", "monthlyIncomePerCapita=4965000"])
    }

    @Test("--locale forces how numbers and dates read; a comma file without evidence reads them as en")
    func forcedAndDefaultLocale() throws {
        let files = try TestFiles()
        let path = try files.write("h.csv", "Mã hộ,Số nhân khẩu,Diện tích nhà ở,Diện hộ từ ngày\nTL-1,4,4.965,5/6/2024\n")
        let detected = try ListPreparation.prepare(path: path, list: .households)
        #expect(detected.statement?.contains("numbers such as 4.965 read as a decimal, locale en (delimiter ','; give --locale vi otherwise)") == true)
        #expect(try readAll(detected)[0].record.summary == ["householdCode=TL-1", "members=4", "housingAreaM2=4.965", "listStatusSince=5/6/2024"])
        let forced = try ListPreparation.prepare(path: path, list: .households, locale: .vi)
        #expect(forced.statement?.contains("numbers read as locale vi (--locale)") == true)
        #expect(try readAll(forced)[0].record.summary == ["householdCode=TL-1", "members=4", "housingAreaM2=4965", "listStatusSince=2024-06-05"])
    }

    @Test("refusals: numbers written both ways, a delimiter that cannot be told, no key column, --sheet")
    func refusals() throws {
        let files = try TestFiles()
        let mixed = try files.write("m.csv", "Mã hộ;Diện tích nhà ở\nTL-1;40,8\nTL-2;40.85\n")
        #expect(throws: BatchInputError.mixedNumberLocales(path: mixed, vi: "40,8", en: "40.85")) {
            try ListPreparation.prepare(path: mixed, list: .households)
        }
        let tie = try files.write("t.csv", "Tên,Tuổi;Nghề\nA,3;B\n")
        #expect(throws: BatchInputError.noHeaderRow(
            path: tie, message: "cannot tell the delimiter from line 1: ',' and ';' split it alike (2 cells, 0 known titles)")) {
            try ListPreparation.prepare(path: tie, list: .households)
        }
        let noKey = try files.write("k.csv", "Họ tên chủ hộ;Số nhân khẩu\nA;3\n")
        #expect(throws: BatchInputError.noHeaderRow(
            path: noKey, message: "line 1 names no householdCode column (\"Mã hộ\"); the header must be the first line")) {
            try ListPreparation.prepare(path: noKey, list: .households)
        }
        #expect(throws: BatchInputError.optionNotApplicable(path: noKey, message: "--sheet applies to .xlsx workbooks only")) {
            try ListPreparation.prepare(path: noKey, list: .households, sheet: "Sheet1")
        }
        #expect(throws: BatchInputError.unknownFormat(path: "list.xls")) {
            try ListPreparation.prepare(path: "list.xls", list: .households)
        }
    }

    @Test("invalid UTF-8 after a UTF-8 first MiB refuses the file, in the office path and in pass 1 of a machine file")
    func invalidUTF8Later() throws {
        let files = try TestFiles()
        let padding = String(repeating: "TL-0;Nguyễn Văn An\n", count: 60_000)  // past the first MiB
        let office = try files.write("o.csv", bytes: Array(("Mã hộ;Họ và tên chủ hộ\n" + padding).utf8) + [0x54, 0x3B, 0xE0, 0x0A])
        #expect(throws: BatchInputError.notUTF8(path: office, line: 60_002)) {
            try ListPreparation.prepare(path: office, list: .households)
        }
        let machineText = "householdCode,headName\n" + String(repeating: "TL-0,Nguyễn Văn An\n", count: 60_000)
        let machine = try files.write("m.csv", bytes: Array(machineText.utf8) + [0x54, 0x2C, 0xE0, 0x0A])
        let list = try ListPreparation.prepare(path: machine, list: .households)
        #expect(list.statement == nil)
        #expect(throws: BatchInputError.notUTF8(path: machine, line: 60_002)) {
            try ListIndex(households: list, loans: nil)
        }
        // The path-taking index (the HTTP API's seal) still reads it as an unreadable record.
        #expect(try ListIndex(households: machine, loans: nil).inputErrorCount == 1)
    }

    @Test("legacy encodings and UTF-16 are converted to NFC, lines kept")
    func encodings() throws {
        let files = try TestFiles()
        let text = "Mã hộ;Họ và tên chủ hộ;Thôn\r\nTL-1;Nguyễn Thị Hương;Thôn Đồng Kho\r\nTL-2;Trần Văn Đức;Xã Tánh Linh\r\n"
            + String(repeating: "TL-9;Phạm Thị Hồng Nhung;thôn Bình Thạnh\r\n", count: 20)
        for encoding in LegacyEncoding.allCases {
            let bytes = try #require(encoding.encode(text))
            let path = try files.write("\(encoding.rawValue).csv", bytes: bytes)
            let list = try ListPreparation.prepare(path: path, list: .households)
            #expect(list.statement?.hasPrefix("\(encoding.rawValue).csv: \(encoding.displayName) converted to UTF-8 (NFC); delimiter ';'") == true)
            let records = try readAll(list)
            #expect(records.map(\.line) == Array(2...23))
            #expect(records[0].record.summary == ["householdCode=TL-1", "headName=Nguyễn Thị Hương", "village=Thôn Đồng Kho"])
            let forced = try ListPreparation.prepare(path: path, list: .households, encoding: .legacy(encoding))
            #expect(forced.statement?.contains("(--encoding)") == true)
            #expect(try readAll(forced)[1].record.summary == ["householdCode=TL-2", "headName=Trần Văn Đức", "village=Xã Tánh Linh"])
        }
        for littleEndian in [true, false] {
            var bytes: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
            for unit in text.utf16 {
                bytes += littleEndian ? [UInt8(unit & 0xFF), UInt8(unit >> 8)] : [UInt8(unit >> 8), UInt8(unit & 0xFF)]
            }
            let path = try files.write("u\(littleEndian).txt", bytes: bytes)
            let list = try ListPreparation.prepare(path: path, list: .households)
            #expect(list.statement?.contains("UTF-16\(littleEndian ? "LE" : "BE") converted to UTF-8 (NFC)") == true)
            #expect(try readAll(list)[1].record.summary == ["householdCode=TL-2", "headName=Trần Văn Đức", "village=Xã Tánh Linh"])
        }
    }

    @Test("a file no encoding fits is refused, naming --encoding")
    func unknownEncoding() throws {
        let files = try TestFiles()
        var generator = SystemRandomNumberGenerator()
        let bytes = Array("householdCode;headName\n".utf8) + (0..<4000).map { _ in UInt8.random(in: 0x80...0xFF, using: &generator) }
        let path = try files.write("r.csv", bytes: bytes)
        do {
            _ = try ListPreparation.prepare(path: path, list: .households)
            Issue.record("random bytes were read")
        } catch {
            guard case .unrecognisedEncoding = error else { Issue.record("\(error)"); return }
            #expect(error.description.hasPrefix("\(path): not UTF-8, and no Vietnamese encoding fits it"))
            #expect(error.description.hasSuffix("; convert it to UTF-8 or give --encoding windows-1258|tcvn3|vni"))
        }
    }
}

@Suite("ListPreparation: number locales and Excel numbers")
struct NumberReadingTests {
    @Test(arguments: [
        ("40,8", NumberLocale.Evidence.locale(.vi, grouped: false)),
        ("4.965.000", .locale(.vi, grouped: true)),
        ("1.234,5", .locale(.vi, grouped: true)),
        ("40.8", .locale(.en, grouped: false)),
        ("40.85", .locale(.en, grouped: false)),
        ("0.965", .locale(.en, grouped: false)),
        ("4,965,000", .locale(.en, grouped: true)),
        ("1,234.5", .locale(.en, grouped: true)),
        ("4.965", .ambiguous),
        ("-4,965", .ambiguous),
        ("4965000", .none),
        ("4 965 000", .none),
        ("abc", .none),
        ("4.96.5", .none),
        ("1e3", .none),
    ])
    func evidence(_ text: String, _ expected: NumberLocale.Evidence) {
        #expect(NumberLocale.evidence(text) == expected)
    }

    @Test func reading() {
        #expect(NumberLocale.vi.number("4.965.000") == DecimalNumber(4_965_000))
        #expect(NumberLocale.vi.number(" 4\u{00A0}965\u{202F}000 ") == DecimalNumber(4_965_000))
        #expect(NumberLocale.vi.number("40,80") == DecimalNumber(units: 408, scale: 1))
        #expect(NumberLocale.vi.number("-1.234,5") == DecimalNumber(units: -12345, scale: 1))
        #expect(NumberLocale.vi.number("4.965") == DecimalNumber(4965))
        #expect(NumberLocale.vi.number("40.8") == nil)
        #expect(NumberLocale.en.number("4,965,000.5") == DecimalNumber(units: 49_650_005, scale: 1))
        #expect(NumberLocale.en.number("007") == DecimalNumber(7))
        #expect(NumberLocale.en.number("40,8") == nil)
        #expect(NumberLocale.en.number("1.2.3") == nil)
    }

    @Test(arguments: [
        ("40.799999999999997", "40.8"), ("1.23456789012E+11", "123456789012"), ("123456789012", "123456789012"),
        ("0.1", "0.1"), ("-0", "0"), ("1.5E-5", "0.000015"), ("99999999999999999", "100000000000000000"),
        ("4965000", "4965000"), ("2.5", "2.5"), ("1E+3", "1000"),
    ])
    func excelNumbers(_ literal: String, _ plain: String) {
        #expect(ExcelNumber.plainDecimal(literal) == plain)
    }

    @Test func excelNumbersThatAreNone() {
        #expect(ExcelNumber.plainDecimal("") == nil)
        #expect(ExcelNumber.plainDecimal("abc") == nil)
        #expect(ExcelNumber.plainDecimal("1E+9999") == nil)
    }

    @Test func dayFirstDates() {
        #expect(SpoolColumn.dayFirstDate("5/6/2024")?.description == "2024-06-05")
        #expect(SpoolColumn.dayFirstDate("05-06-2024")?.description == "2024-06-05")
        #expect(SpoolColumn.dayFirstDate("31.12.2024")?.description == "2024-12-31")
        #expect(SpoolColumn.dayFirstDate("31/2/2024") == nil)
        #expect(SpoolColumn.dayFirstDate("5/6-2024") == nil)
        #expect(SpoolColumn.dayFirstDate("2024-06-05") == nil)
    }
}
