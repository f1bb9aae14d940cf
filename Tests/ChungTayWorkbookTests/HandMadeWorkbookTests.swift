import ChungTayCoding
import Foundation
import Testing

@testable import ChungTayWorkbook

/// Workbooks whose XML is written by hand, in archives built byte by byte: every cell
/// type and spelling the format allows, stored and deflated entries, ZIP64.
@Suite("Hand-made workbooks")
struct HandMadeWorkbookTests {
    static let sharedStrings = [
        "<si><t>Mã hộ</t></si>",
        // Rich text: runs concatenated, the phonetic reading skipped.
        "<si><r><rPr><b/></rPr><t>Nguyễn </t></r><r><t xml:space=\"preserve\">Văn An</t></r><rPh sb=\"0\" eb=\"1\"><t>グエン</t></rPh><phoneticPr fontId=\"1\"/></si>",
        // NFD in the file, NFC out.
        "<si><t>Tra\u{0302}\u{0300}n</t></si>",
        "<si><t>a &amp; b &lt;c&gt; &#x1EA0;&#7841; _x000D_x_x005F_x0041_</t></si>",
        "<si><t/></si>",
    ]

    static let styles = """
        <numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>\
        <numFmt numFmtId="165" formatCode="&quot;ngày&quot;\\ 0"/><numFmt numFmtId="166" formatCode="[Red]#,##0"/></numFmts>\
        <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>\
        <cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="3"/></cellXfs>
        """

    static let rows = """
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>\
        <row r="2" spans="1:3"><c r="A2" t="inlineStr"><is><r><t>TL</t></r><r><t>-1</t></r></is></c>\
        <c r="B2"><v>4965000</v></c><c r="C2" s="5"><v>40.799999999999997</v></c><c r="E2" s="1"><v>45838</v></c></row>\
        <row r="3"/>\
        <row r="4"><c r="A4" t="s"><v>4</v></c><c r="B4" t="s"><v>3</v></c></row>\
        <row r="6"><c t="b"><v>1</v></c><c t="b"><v>0</v></c><c t="e"><v>#N/A</v></c><c t="str"><f>A1</f><v>Mã</v></c>\
        <c t="d"><v>2025-07-01T00:00:00</v></c><c s="2"><v>45839.5</v></c><c s="3"><v>7</v></c><c s="4"><v>-1.5E-3</v></c>\
        <c s="99"><v>8</v></c><c/><c><v></v></c><c t="inlineStr"/></row>\
        <row><c r="B7"><v>1</v></c></row><row><c><v>2</v></c></row>
        """

    static let expected: [[String: CellValue]] = [
        ["A1": .text("Mã hộ"), "B1": .text("Nguyễn Văn An"), "C1": .text("Trần")],
        ["A2": .text("TL-1"), "B2": .number(4_965_000, literal: "4965000"), "C2": .number(40.8, literal: "40.799999999999997"),
         "E2": .date(serial: 45838)],
        ["B4": .text("a & b <c> Ạạ \rx_x0041_")],
        ["A6": .bool(true), "B6": .bool(false), "C6": .error("#N/A"), "D6": .text("Mã"), "E6": .isoDate("2025-07-01T00:00:00"),
         "F6": .date(serial: 45839.5), "G6": .number(7, literal: "7"), "H6": .number(-0.0015, literal: "-1.5E-3"),
         "I6": .number(8, literal: "8")],
        ["B7": .number(1, literal: "1")],
        ["A8": .number(2, literal: "2")],
    ]

    func open(_ zip: TestZip, in folder: TemporaryFolder, limits: WorkbookLimits = WorkbookLimits()) throws -> Workbook {
        try Workbook(path: folder.write("book.xlsx", zip.bytes()), limits: limits)
    }

    @Test("every cell type, stored and deflated, plain and ZIP64", arguments: [(false, false), (true, false), (false, true), (true, true)])
    func cellTypes(deflate: Bool, zip64: Bool) throws {
        let folder = try TemporaryFolder()
        var zip = TestWorkbook.zip(
            sheets: [("Danh sách", Self.rows), ("Trống", "")], sharedStrings: Self.sharedStrings, styles: Self.styles, deflate: deflate)
        zip.zip64 = zip64
        let workbook = try open(zip, in: folder)
        #expect(workbook.sheetNames == ["Danh sách", "Trống"])
        #expect(workbook.hiddenSheetNames.isEmpty)  // no state attribute: visible
        #expect(!workbook.usesDate1904)
        let rows = try TestWorkbook.rows(workbook, "Danh sách")
        #expect(rows.map(\.number) == [1, 2, 4, 6, 7, 8])
        #expect(rows.map(\.cells) == Self.expected)
        #expect(try TestWorkbook.rows(workbook, "Trống").isEmpty)
        // A second pass reads the same rows; names match case-insensitively and in NFD.
        #expect(try TestWorkbook.rows(workbook, "danh sa\u{0301}ch").map(\.cells) == Self.expected)
    }

    @Test("the 1904 date system, namespace prefixes, comments, CDATA and processing instructions")
    func spellings() throws {
        let folder = try TemporaryFolder()
        var zip = TestZip()
        zip.add("_rels/.rels", "<Relationships><Relationship Id=\"a\" Type=\"x/officeDocument\" Target=\"/book/main.xml\"/></Relationships>")
        zip.add("book/_rels/main.xml.rels", """
            <Relationships><Relationship Id="s1" Type="x/worksheet" Target="../sheets/one.xml"/>\
            <Relationship Id="c1" Type="x/chartsheet" Target="charts/c.xml"/>\
            <Relationship Id="e1" Type="x/worksheet" Target="http://example.com/x.xml" TargetMode="External"/></Relationships>
            """)
        zip.add("book/main.xml", """
            <?xml version="1.0"?><!-- made by hand --><x:workbook xmlns:x="urn:x" xmlns:r="urn:r"><x:workbookPr date1904="true"/>\
            <x:sheets><x:sheet name="A &amp; B" r:id="s1"/><x:sheet name="Chart" r:id="c1"/></x:sheets></x:workbook>
            """)
        zip.add("sheets/one.xml", """
            <x:worksheet xmlns:x="urn:x"><x:sheetPr/><x:sheetData><!-- row 1 -->\
            <x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t><![CDATA[<b>&]]></x:t></x:is></x:c><?pi ok?></x:row>\
            </x:sheetData><x:mergeCells/></x:worksheet>
            """)
        let workbook = try open(zip, in: folder)
        #expect(workbook.sheetNames == ["A & B", "Chart"])
        #expect(workbook.usesDate1904)
        #expect(try TestWorkbook.rows(workbook, "A & B").map(\.cells) == [["A1": .text("<b>&")]])
        #expect(throws: WorkbookError.notAWorksheet(name: "Chart")) { try workbook.rows(ofSheet: "Chart") }
        #expect(throws: WorkbookError.noSuchSheet(name: "Sheet1", available: ["A & B", "Chart"])) { try workbook.rows(ofSheet: "Sheet1") }
    }

    @Test("format codes that show dates")
    func dateFormatCodes() {
        func isDate(_ code: String) -> Bool { CellStyles.isDateFormatCode(Array(code.utf8)) }
        for code in ["dd/mm/yyyy", "d-mmm-yy", "[$-42A]dd/mm/yyyy", "h:mm AM/PM", "[h]:mm:ss", "yyyy\"年\"", "mm:ss.0", "D/M/YYYY"] {
            #expect(isDate(code), "\(code)")
        }
        for code in ["General", "0.00", "#,##0", "[Red]#,##0", "\"ngày\" 0", "0\\d", "0_m", "0*y", "0.00E+00", "@", "[mmm]0"] {
            #expect(!isDate(code), "\(code)")
        }
        #expect(CellStyles.isBuiltInDateFormat(14) && CellStyles.isBuiltInDateFormat(22) && CellStyles.isBuiltInDateFormat(47))
        #expect(!CellStyles.isBuiltInDateFormat(13) && !CellStyles.isBuiltInDateFormat(23) && !CellStyles.isBuiltInDateFormat(49))
    }
}
