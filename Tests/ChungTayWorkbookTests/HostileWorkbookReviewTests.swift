import Foundation
import Testing

@testable import ChungTayWorkbook

/// Hostile inputs found in review (REVIEW-16-R1): each one hung the reader, held memory
/// in proportion to the file, or gave a wrong value before its fix.
extension HostileWorkbookTests {
    static let marks = String(repeating: "\u{0301}\u{0316}", count: 16_383)

    @Test("a long run of combining marks is refused, not normalised in quadratic time")
    func combiningMarks() throws {
        // 32,767 characters: Foundation's NFC took 1.2 s per such cell (release), so a 16 MiB
        // part of them (about 16 KB deflated) took minutes.
        let inline = "<row><c t=\"inlineStr\"><is><t>a\(Self.marks)</t></is></c></row>"
        guard case .invalidContent(Self.sheetPart, let reason)? = try readError(sheet(inline).bytes()) else {
            Issue.record("a cell of 32,766 combining marks read")
            return
        }
        #expect(reason.hasPrefix("a text with more than 30 combining marks in a row"))
        let shared = sheet("<row><c t=\"s\"><v>0</v></c></row>", sharedStrings: ["<si><t>a\(Self.marks)</t></si>"])
        guard case .invalidContent("xl/sharedStrings.xml", _)? = try readError(shared.bytes()) else {
            Issue.record("a shared string of 32,766 combining marks read")
            return
        }
        // Thirty in a row, as many times as the cell holds, are text.
        let thirty = String(repeating: "a" + String(Self.marks.unicodeScalars.prefix(30)), count: 500)
        #expect(try readError(sheet("<row><c t=\"inlineStr\"><is><t>\(thirty)</t></is></c></row>").bytes()) == nil)
    }

    @Test("ZIP entry names and relationship ids are not hashed as long mark runs")
    func longNames() throws {
        // A 64 KiB entry name of marks: hashing it as a String took 0.7 s, once per entry.
        var zip = sheet("<row><c><v>1</v></c></row>")
        for index in 0..<8 {
            zip.add("x/\(index)" + Self.marks, "<a/>")
        }
        let started = ContinuousClock.now
        #expect(try readError(zip.bytes()) == nil)
        #expect(ContinuousClock.now - started < .seconds(2))
        // A relationship id of marks (hashing a 1 MiB one took minutes).
        var relationships = sheet("")
        let relsIndex = index(of: "xl/_rels/workbook.xml.rels", in: relationships)
        relationships.entries[relsIndex].data = Array(
            "<Relationships><Relationship Id=\"a\(Self.marks)\" Type=\"t\" Target=\"x.xml\"/></Relationships>".utf8)
        #expect(try readError(relationships.bytes()) == .invalidContent(
            part: "xl/_rels/workbook.xml.rels", reason: "a relationship with more than 30 combining marks in a row"))
    }

    @Test("relationships and sheet names are bounded, not held as the part grows")
    func boundedNames() throws {
        // 20 relationships of 1 MB targets were all held (stored here: deflated, the part is
        // within the ratio limit only at 200:1, so a 40 MiB file made 8 GiB of them).
        var relationships = sheet("")
        let relsIndex = index(of: "xl/_rels/workbook.xml.rels", in: relationships)
        let target = String(repeating: "a", count: 1_000_000)
        let many = (0..<20).map { "<Relationship Id=\"x\($0)\" Type=\"t\" Target=\"\(target)\"/>" }.joined()
        relationships.entries[relsIndex].data = Array("<Relationships>\(many)</Relationships>".utf8)
        #expect(try readError(relationships.bytes())
            == .limitExceeded(part: "xl/_rels/workbook.xml.rels", what: "bytes of relationships", limit: 16 << 20))
        // A sheet name of up to 1 MiB, 4,096 times, was held (and listed in messages).
        let long = String(repeating: "Danh sách ", count: 26)
        guard case .invalidContent("xl/workbook.xml", let reason)? = try readError(TestWorkbook.zip(sheets: [(long, "")]).bytes()) else {
            Issue.record("a sheet name of 286 bytes read")
            return
        }
        #expect(reason.hasPrefix("a sheet name longer than 255 bytes"))
        #expect(try readError(TestWorkbook.zip(sheets: [("", "")]).bytes())
            == .invalidContent(part: "xl/workbook.xml", reason: "a sheet without a name"))
        let longest = String(repeating: "x", count: 255)
        #expect(try readError(TestWorkbook.zip(sheets: [(longest, "<row><c><v>1</v></c></row>")]).bytes()) == nil)
    }

    @Test("sheets sharing one part are refused (each sheet would read it again)")
    func sharedSheetPart() throws {
        var zip = TestWorkbook.zip(sheets: [("A", "<row><c><v>1</v></c></row>"), ("B", "")])
        let relsIndex = index(of: "xl/_rels/workbook.xml.rels", in: zip)
        let rels = String(decoding: zip.entries[relsIndex].data, as: UTF8.self)
        zip.entries[relsIndex].data = Array(rels.replacingOccurrences(of: "worksheets/sheet2.xml", with: "/XL/Worksheets/./sheet1.xml").utf8)
        #expect(try readError(zip.bytes()) == .invalidContent(
            part: "xl/workbook.xml", reason: "the sheets \"A\" and \"B\" are the same part XL/Worksheets/sheet1.xml"))
    }

    @Test("a conditional format's numFmt does not change a cell format's date-ness")
    func differentialFormats() throws {
        let styles = """
            <numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>\
            <cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs>\
            <dxfs count="2"><dxf><numFmt numFmtId="164" formatCode="0.00"/></dxf><dxf><numFmt numFmtId="165" formatCode="yyyy"/></dxf></dxfs>\
            <extLst><ext><cellXfs><xf numFmtId="14"/></cellXfs></ext></extLst>
            """
        let zip = TestWorkbook.zip(sheets: [("S", "<row><c s=\"1\"><v>45000</v></c><c s=\"2\"><v>7</v></c><c s=\"3\"><v>8</v></c></row>")], styles: styles)
        let folder = try TemporaryFolder()
        let rows = try TestWorkbook.rows(Workbook(path: folder.write("styles.xlsx", zip.bytes())), "S")
        #expect(rows.first?.cells == ["A1": .date(serial: 45000), "B1": .number(7, literal: "7"), "C1": .number(8, literal: "8")])
    }

    @Test("a local header that names another entry than the directory")
    func localHeaderName() throws {
        var zip = sheet("<row><c><v>1</v></c></row>")
        zip.entries[index(of: Self.sheetPart, in: zip)].localName = "xl/worksheets/sheet9.xml"
        #expect(try readError(zip.bytes()) == .damagedEntry(part: Self.sheetPart, reason: "its local header names another entry"))
    }

    @Test("entries written with data descriptors (zeros in the local headers) are read")
    func dataDescriptors() throws {
        // Python's zipfile writes every entry with flag 8 and a data descriptor when the
        // output cannot seek; the directory's sizes are the ones read.
        let folder = try TemporaryFolder()
        let path = folder.path + "/descriptors.xlsx"
        let script = """
            import io, sys, zipfile, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "S"; ws.append(["Mã hộ", 40.8])
            buf = io.BytesIO(); wb.save(buf)
            class Unseekable:
                def __init__(self, f): self.f = f
                def write(self, b): return self.f.write(b)
                def flush(self): pass
            src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
            with open(sys.argv[1], "wb") as out:
                z = zipfile.ZipFile(Unseekable(out), "w", zipfile.ZIP_DEFLATED)
                for info in src.infolist():
                    with z.open(info.filename, "w") as entry:
                        entry.write(src.read(info))
                z.close()
            assert all(i.flag_bits & 8 for i in zipfile.ZipFile(sys.argv[1]).infolist())
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let rows = try TestWorkbook.rows(Workbook(path: path), "S")
        #expect(rows.first?.cells == ["A1": .text("Mã hộ"), "B1": .number(40.8, literal: "40.8")])
    }
}
