import Foundation
import Testing

@testable import ChungTayWorkbook

/// Damaged and hostile files: each is refused with a typed error naming what is wrong,
/// in bounded time and memory, and never traps.
@Suite("Hostile and damaged workbooks")
struct HostileWorkbookTests {
    /// Opens the archive and reads every row of every worksheet; the error, if any.
    func readError(_ bytes: [UInt8], limits: WorkbookLimits = WorkbookLimits()) throws -> WorkbookError? {
        let folder = try TemporaryFolder()
        let path = try folder.write("hostile.xlsx", bytes)
        do throws(WorkbookError) {
            let workbook = try Workbook(path: path, limits: limits)
            for name in workbook.sheetNames {
                let rows = try workbook.rows(ofSheet: name)
                while try rows.next() != nil {}
            }
            return nil
        } catch {
            return error
        }
    }

    func sheet(_ rows: String, sharedStrings: [String]? = nil, deflate: Bool = false) -> TestZip {
        TestWorkbook.zip(sheets: [("S", rows)], sharedStrings: sharedStrings, deflate: deflate)
    }

    func index(of part: String, in zip: TestZip) -> Int {
        zip.entries.firstIndex { $0.name == part }!
    }

    static let sheetPart = "xl/worksheets/sheet1.xml"

    @Test("files that are not archives")
    func notArchives() throws {
        #expect(try readError([]) == .notAnArchive("the file is empty"))
        #expect(try readError(Array("householdCode,headName\n".utf8)) == .notAnArchive("no ZIP end of central directory record"))
        let ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 600)
        guard case .notAnArchive(let reason)? = try readError(ole) else { Issue.record("an OLE file was read"); return }
        #expect(reason.contains("password-protected"))
        let whole = sheet("<row><c><v>1</v></c></row>").bytes()
        #expect(try readError(Array(whole.prefix(whole.count / 2))) == .notAnArchive("a ZIP archive without its end record (cut short?)"))
        #expect(try readError(TestZip().bytes()) == .notAnArchive("an empty ZIP archive"))
        let folder = try TemporaryFolder()
        #expect(throws: WorkbookError.cannotOpen(path: folder.path, errno: EISDIR)) { try Workbook(path: folder.path) }
        #expect(throws: WorkbookError.cannotOpen(path: folder.path + "/none.xlsx", errno: ENOENT)) { try Workbook(path: folder.path + "/none.xlsx") }
    }

    @Test("a CRC that differs, stored and deflated", arguments: [false, true])
    func badCRC(deflate: Bool) throws {
        var zip = sheet("<row><c><v>1</v></c></row>", deflate: deflate)
        zip.entries[index(of: Self.sheetPart, in: zip)].crc = 0x1234_5678
        #expect(try readError(zip.bytes()) == .damagedEntry(part: Self.sheetPart, reason: "CRC-32 mismatch"))
        // A flipped byte in stored data is a CRC mismatch too.
        var flipped = sheet("<row><c><v>1</v></c></row>").bytes()
        let at = try #require(flipped.indices.first { flipped[$0] == UInt8(ascii: "1") && flipped[$0 - 1] == UInt8(ascii: ">") })
        flipped[at] = UInt8(ascii: "2")
        #expect(try readError(flipped) == .damagedEntry(part: Self.sheetPart, reason: "CRC-32 mismatch"))
    }

    @Test("deflate data cut short, damaged, or longer than declared")
    func damagedDeflate() throws {
        let xml = "<worksheet><sheetData>" + String(repeating: "<row><c><v>12345</v></c></row>", count: 2000) + "</sheetData></worksheet>"
        let deflated = TestZip.deflate(Array(xml.utf8))
        var zip = sheet("")
        let sheetIndex = index(of: Self.sheetPart, in: zip)
        zip.entries[sheetIndex].data = Array(xml.utf8)
        zip.entries[sheetIndex].deflate = true
        zip.entries[sheetIndex].rawData = Array(deflated.prefix(deflated.count / 2))
        #expect(try readError(zip.bytes()) == .damagedEntry(part: Self.sheetPart, reason: "its deflate data is cut short"))
        zip.entries[sheetIndex].rawData = [0xFF] + deflated
        guard case .damagedEntry(Self.sheetPart, let reason)? = try readError(zip.bytes()), reason.hasPrefix("bad deflate data") else {
            Issue.record("bad deflate data read")
            return
        }
        zip.entries[sheetIndex].rawData = deflated + [0, 0, 0]
        #expect(try readError(zip.bytes()) == .damagedEntry(part: Self.sheetPart, reason: "its deflate data ends before its compressed size"))
        zip.entries[sheetIndex].rawData = nil
        zip.entries[sheetIndex].uncompressedSize = 1000
        #expect(try readError(zip.bytes()) == .damagedEntry(part: Self.sheetPart, reason: "it inflates past its declared size of 1000 bytes"))
        zip.entries[sheetIndex].uncompressedSize = xml.utf8.count + 1
        #expect(try readError(zip.bytes()) == .damagedEntry(part: Self.sheetPart, reason: "\(xml.utf8.count) bytes where the directory declares \(xml.utf8.count + 1)"))
    }

    @Test("zip bombs: a thousandfold ratio, a part over the size limit")
    func bombs() throws {
        var zip = sheet("")
        let sheetIndex = index(of: Self.sheetPart, in: zip)
        zip.entries[sheetIndex].data = Array("<worksheet><sheetData>".utf8) + [UInt8](repeating: 0x20, count: 64 << 20) + Array("</sheetData></worksheet>".utf8)
        zip.entries[sheetIndex].deflate = true
        let bomb = zip.bytes()
        guard case .limitExceeded(Self.sheetPart, let what, 200)? = try readError(bomb) else {
            Issue.record("a 1000:1 part was read")
            return
        }
        #expect(what.hasPrefix("compression ratio"))
        var limits = WorkbookLimits()
        limits.maximumPartBytes = 1 << 20
        #expect(try readError(bomb, limits: limits) == .limitExceeded(part: Self.sheetPart, what: "\((64 << 20) + 46) bytes inflated", limit: 1 << 20))
    }

    @Test("archive directories that lie")
    func damagedDirectories() throws {
        // Two entries sharing one local header: the overlap zip bombs multiply with.
        var shared = sheet("")
        shared.add(TestZip.Entry(name: "xl/other.xml", data: Array("<a/>".utf8), localHeaderOf: 0))
        guard case .damagedArchive(let reason)? = try readError(shared.bytes()) else { Issue.record("overlapping entries read"); return }
        #expect(reason.contains("share their data"))
        // An entry whose data runs into the next local header or the directory, plain and ZIP64.
        for zip64 in [false, true] {
            var overlong = sheet("")
            overlong.zip64 = zip64
            let workbookIndex = index(of: "xl/workbook.xml", in: overlong)
            overlong.entries[workbookIndex].compressedSize = overlong.entries[workbookIndex].data.count + 100
            overlong.entries[workbookIndex].uncompressedSize = overlong.entries[workbookIndex].data.count + 100
            #expect(try readError(overlong.bytes()) == .damagedArchive("the data of xl/workbook.xml overlaps the next entry or runs past the end"))
        }
        var names = sheet("")
        names.add("XL/WORKBOOK.XML", "<x/>")
        #expect(try readError(names.bytes()) == .damagedArchive("the entry XL/WORKBOOK.XML is in the archive twice"))
        var entries = WorkbookLimits()
        entries.maximumEntries = 3
        guard case .limitExceeded("archive directory", _, 3)? = try readError(sheet("").bytes(), limits: entries) else {
            Issue.record("too many entries read")
            return
        }
        // An end record that claims 60,000 entries in a directory of a few hundred bytes.
        var claims = sheet("").bytes()
        let end = try #require(findLast([0x50, 0x4B, 0x05, 0x06], in: claims, before: claims.count))
        claims[end + 8] = 0x60
        claims[end + 9] = 0xEA
        claims[end + 10] = 0x60
        claims[end + 11] = 0xEA
        guard case .damagedArchive(let claim)? = try readError(claims) else { Issue.record("a lying entry count read"); return }
        #expect(claim.contains("claims 60000 entries"))
        // A directory offset past the end record.
        var offset = sheet("").bytes()
        let endRecord = try #require(findLast([0x50, 0x4B, 0x05, 0x06], in: offset, before: offset.count))
        offset[endRecord + 19] = 0x7F
        #expect(try readError(offset) == .damagedArchive("the central directory lies outside the file"))
    }

    @Test("encrypted entries and other compression methods")
    func unsupported() throws {
        var encrypted = sheet("")
        encrypted.entries[index(of: Self.sheetPart, in: encrypted)].flags = 1
        #expect(try readError(encrypted.bytes()) == .unsupportedEntry(part: Self.sheetPart, reason: "encrypted; save the workbook without a password"))
        var bzip2 = sheet("")
        bzip2.entries[index(of: Self.sheetPart, in: bzip2)].method = 12
        #expect(try readError(bzip2.bytes()) == .unsupportedEntry(part: Self.sheetPart, reason: "compressed with method 12; only stored and deflated entries are read"))
        var missing = sheet("")
        missing.entries.removeAll { $0.name == "xl/workbook.xml" }
        #expect(try readError(missing.bytes()) == .missingPart("xl/workbook.xml"))
        var noSheet = sheet("")
        noSheet.entries.removeAll { $0.name == Self.sheetPart }
        #expect(try readError(noSheet.bytes()) == .missingPart(Self.sheetPart))
    }

    @Test("XML bombs and deep nesting")
    func hostileXML() throws {
        let deep = String(repeating: "<x>", count: 100) + String(repeating: "</x>", count: 100)
        #expect(try readError(sheet(deep).bytes()) == .limitExceeded(part: Self.sheetPart, what: "element nesting", limit: 64))
        var doctype = sheet("")
        doctype.entries[index(of: Self.sheetPart, in: doctype)].data = Array("""
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><worksheet>&lol2;</worksheet>
            """.utf8)
        guard case .malformedXML(Self.sheetPart, _, let reason)? = try readError(doctype.bytes()) else { Issue.record("a DOCTYPE read"); return }
        #expect(reason.contains("DOCTYPE"))
        var limits = WorkbookLimits()
        limits.maximumXMLTokenBytes = 4096
        let longText = "<row><c t=\"inlineStr\"><is><t>" + String(repeating: "a", count: 10_000) + "</t></is></c></row>"
        #expect(try readError(sheet(longText).bytes(), limits: limits) == .limitExceeded(part: Self.sheetPart, what: "bytes of one tag, text or comment", limit: 4096))
        let manyAttributes = "<row>" + "<c " + (0..<100).map { "a\($0)=\"1\"" }.joined(separator: " ") + "/></row>"
        #expect(try readError(sheet(manyAttributes).bytes()) == .limitExceeded(part: Self.sheetPart, what: "attributes on one element", limit: 64))
        guard case .malformedXML(Self.sheetPart, _, "an end tag that does not match its start tag")? = try readError(sheet("<row></c>").bytes()) else {
            Issue.record("a mismatched tag read")
            return
        }
        guard case .malformedXML(Self.sheetPart, _, "an unknown entity")? = try readError(sheet("<row><c t=\"str\"><v>&lol;</v></c></row>").bytes()) else {
            Issue.record("an unknown entity read")
            return
        }
    }

    @Test("a shared-string table over its caps")
    func sharedStringCaps() throws {
        var declared = sheet("<row><c t=\"s\"><v>0</v></c></row>", sharedStrings: ["<si><t>a</t></si>"])
        let stringsIndex = index(of: "xl/sharedStrings.xml", in: declared)
        declared.entries[stringsIndex].data = Array("<sst uniqueCount=\"4000000000\"><si><t>a</t></si></sst>".utf8)
        #expect(try readError(declared.bytes()) == .limitExceeded(part: "xl/sharedStrings.xml", what: "4000000000 shared strings", limit: 16 << 20))
        let strings = (0..<10).map { "<si><t>string \($0)</t></si>" }
        var limits = WorkbookLimits()
        limits.maximumSharedStrings = 5
        var many = sheet("<row><c t=\"s\"><v>0</v></c></row>", sharedStrings: strings)
        #expect(try readError(many.bytes(), limits: limits) == .limitExceeded(part: "xl/sharedStrings.xml", what: "10 shared strings", limit: 5))
        // Without a declared count the strings themselves are counted.
        many.entries[stringsIndex].data = Array(("<sst>" + strings.joined() + "</sst>").utf8)
        #expect(try readError(many.bytes(), limits: limits) == .limitExceeded(part: "xl/sharedStrings.xml", what: "shared strings", limit: 5))
        limits = WorkbookLimits()
        limits.maximumSharedStringBytes = 50
        #expect(try readError(many.bytes(), limits: limits) == .limitExceeded(part: "xl/sharedStrings.xml", what: "bytes of shared strings", limit: 50))
        #expect(try readError(many.bytes()) == nil)
        #expect(try readError(sheet("<row><c t=\"s\"><v>10</v></c></row>", sharedStrings: strings).bytes())
            == .invalidContent(part: Self.sheetPart, reason: "the cell A1 refers to shared string 10, but there are 10"))
        let long = "<si><t>" + String(repeating: "ạ", count: 32_768) + "</t></si>"
        guard case .invalidContent("xl/sharedStrings.xml", let reason)? = try readError(sheet("", sharedStrings: [long]).bytes()) else {
            Issue.record("a text over 32,767 characters read")
            return
        }
        #expect(reason.hasPrefix("a text of more than 32767 characters"))
    }

    @Test("cells and rows outside the sheet or out of order")
    func cellRanges() throws {
        func error(_ rows: String) throws -> WorkbookError? { try readError(sheet(rows).bytes()) }
        #expect(try error("<row r=\"2\"/><row r=\"2\"><c><v>1</v></c></row>")
            == .invalidContent(part: Self.sheetPart, reason: "row 2 after row 2 (rows must rise)"))
        #expect(try error("<row r=\"1048577\"><c><v>1</v></c></row>")
            == .invalidContent(part: Self.sheetPart, reason: "a row numbered \"1048577\" (rows are 1…1048576) after row 0"))
        #expect(try error("<row r=\"1048576\"/><row><c><v>1</v></c></row>")
            == .invalidContent(part: Self.sheetPart, reason: "a row after row 1048576"))
        #expect(try error("<row><c r=\"XFE1\"><v>1</v></c></row>")
            == .invalidContent(part: Self.sheetPart, reason: "a cell named \"XFE1\" in the row after row 0"))
        #expect(try error("<row r=\"3\"><c r=\"B4\"><v>1</v></c></row>")
            == .invalidContent(part: Self.sheetPart, reason: "the cell B4 inside row 3"))
        #expect(try error("<row><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>1</v></c></row>")
            == .invalidContent(part: Self.sheetPart, reason: "cells out of order in row 1 (column 1 after column 2)"))
        #expect(try error("<row><c r=\"XFD1\"><v>1</v></c><c><v>1</v></c></row>")
            == .invalidContent(part: Self.sheetPart, reason: "cells out of order in row 1 (column 16385 after column 16384)"))
        #expect(try error("<row><c t=\"z\"><v>1</v></c></row>") == .invalidContent(part: Self.sheetPart, reason: "the cell A1 has the unknown type \"z\""))
        #expect(try error("<row><c><v>1e999</v></c></row>")
            == .invalidContent(part: Self.sheetPart, reason: "the cell A1 holds \"1e999\", which is not a number"))
        #expect(try error("<row><c><v>0x1p3</v></c></row>")
            == .invalidContent(part: Self.sheetPart, reason: "the cell A1 holds \"0x1p3\", which is not a number"))
        #expect(try error("<row><c t=\"b\"><v>2</v></c></row>")
            == .invalidContent(part: Self.sheetPart, reason: "the cell A1 holds a boolean that is neither 0 nor 1"))
        #expect(try error("<row><c t=\"s\"><v>-1</v></c></row>")
            == .invalidContent(part: Self.sheetPart, reason: "the cell A1 refers to the shared string \"-1\""))
        // A row the size of the sheet's width is read; its text is bounded.
        var limits = WorkbookLimits()
        limits.maximumRowTextBytes = 1000
        let wide = "<row>" + String(repeating: "<c t=\"inlineStr\"><is><t>0123456789</t></is></c>", count: 101) + "</row>"
        #expect(try readError(sheet(wide).bytes(), limits: limits) == .limitExceeded(part: Self.sheetPart, what: "text bytes in row 1", limit: 1000))
    }

    func findFirst(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle }
    }

    func findLast(_ needle: [UInt8], in bytes: [UInt8], before: Int) -> Int? {
        guard before >= needle.count else { return nil }
        return (0...(before - needle.count)).reversed().first { Array(bytes[$0..<($0 + needle.count)]) == needle }
    }
}

extension HostileWorkbookTests {
    @Test("after an error every later row read reports it again")
    func errorsStick() throws {
        let folder = try TemporaryFolder()
        var zip = sheet("<row><c><v>1</v></c></row><row><c><v>x</v></c></row><row><c><v>3</v></c></row>")
        zip.entries[index(of: Self.sheetPart, in: zip)].deflate = true
        let workbook = try Workbook(path: folder.write("book.xlsx", zip.bytes()))
        let rows = try workbook.rows(ofSheet: "S")
        #expect(try rows.next()?.number == 1)
        let error = WorkbookError.invalidContent(part: Self.sheetPart, reason: "the cell A2 holds \"x\", which is not a number")
        #expect(throws: error) { try rows.next() }
        #expect(throws: error) { try rows.next() }
    }
}
