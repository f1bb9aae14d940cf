import ChungTayCoding
import Testing

@testable import ChungTayWorkbook

@Suite("Cell references and date serials")
struct CellReferenceTests {
    @Test("cell names as Excel writes them")
    func names() {
        #expect(CellReference.name(column: 4, row: 17) == "D17")
        #expect(CellReference.name(column: 1, row: 1) == "A1")
        #expect(CellReference.name(column: 26, row: 2) == "Z2")
        #expect(CellReference.name(column: 27, row: 3) == "AA3")
        #expect(CellReference.name(column: 702, row: 4) == "ZZ4")
        #expect(CellReference.name(column: 703, row: 5) == "AAA5")
        #expect(CellReference.name(column: 16_384, row: 1_048_576) == "XFD1048576")
    }

    @Test("cell references parsed within the sheet's range")
    func parsing() {
        func parse(_ text: String) -> (Int, Int)? {
            Array(text.utf8).withUnsafeBytes { CellReference.parse($0) }.map { ($0.column, $0.row) }
        }
        #expect(parse("D17")! == (4, 17))
        #expect(parse("xfd1048576")! == (16_384, 1_048_576))
        #expect(parse("XFE1") == nil)
        #expect(parse("A1048577") == nil)
        #expect(parse("A0") == nil)
        #expect(parse("17") == nil)
        #expect(parse("D") == nil)
        #expect(parse("D1x") == nil)
        #expect(parse("$D$1") == nil)
        #expect(parse("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1") == nil)
        #expect(parse("A99999999999999999999999") == nil)
    }

    @Test("date serials in the 1900 and 1904 systems")
    func serials() {
        #expect(CivilDate(excelSerial: 1, usesDate1904: false)?.description == "1900-01-01")
        #expect(CivilDate(excelSerial: 59, usesDate1904: false)?.description == "1900-02-28")
        #expect(CivilDate(excelSerial: 60, usesDate1904: false) == nil)
        #expect(CivilDate(excelSerial: 61, usesDate1904: false)?.description == "1900-03-01")
        #expect(CivilDate(excelSerial: 45_839, usesDate1904: false)?.description == "2025-07-01")
        #expect(CivilDate(excelSerial: 45_839.75, usesDate1904: false)?.description == "2025-07-01")
        #expect(CivilDate(excelSerial: 2_958_465, usesDate1904: false)?.description == "9999-12-31")
        #expect(CivilDate(excelSerial: 2_958_466, usesDate1904: false) == nil)
        #expect(CivilDate(excelSerial: 0, usesDate1904: true)?.description == "1904-01-01")
        #expect(CivilDate(excelSerial: 44_377, usesDate1904: true)?.description == "2025-07-01")
        #expect(CivilDate(excelSerial: 0, usesDate1904: false) == nil)
        #expect(CivilDate(excelSerial: -1, usesDate1904: true) == nil)
        #expect(CivilDate(excelSerial: .nan, usesDate1904: false) == nil)
        #expect(CivilDate(excelSerial: .infinity, usesDate1904: false) == nil)
    }
}
