import ChungTayWorkbook
import CZlib
import Foundation

/// ZIP archives built byte by byte, so that tests control every field: stored or deflated
/// entries, ZIP64 records, and the damage a hostile file carries (wrong CRC, lying sizes,
/// overlapping entries, encryption flags, other methods).
struct TestZip {
    struct Entry {
        var name: String
        var data: [UInt8]
        var deflate = false
        var flags = 0
        var method: Int?
        var crc: UInt32?
        var uncompressedSize: Int?
        /// Points the central directory at another entry's local header.
        var localHeaderOf: Int?
        /// The bytes written as the entry's data instead of `data` stored or deflated.
        var rawData: [UInt8]?
        /// A compressed size written in the headers instead of the data's.
        var compressedSize: Int?
        /// A name written in the local header instead of `name`.
        var localName: String?
    }

    var entries: [Entry] = []
    /// Writes the sizes and offsets as ZIP64 extra fields and the ZIP64 end records.
    var zip64 = false
    var comment: [UInt8] = []

    mutating func add(_ name: String, _ text: String, deflate: Bool = false) {
        entries.append(Entry(name: name, data: Array(text.utf8), deflate: deflate))
    }

    mutating func add(_ entry: Entry) {
        entries.append(entry)
    }

    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        var offsets: [Int] = []
        for entry in entries {
            let stored = entry.rawData ?? (entry.deflate ? Self.deflate(entry.data) : entry.data)
            let crc = entry.crc ?? Self.crc(entry.data)
            let method = entry.method ?? (entry.deflate ? 8 : 0)
            let size = entry.uncompressedSize ?? entry.data.count
            let name = Array((entry.localName ?? entry.name).utf8)
            offsets.append(out.count)
            var localExtra: [UInt8] = []
            if zip64 {
                localExtra = Self.u16(1) + Self.u16(16) + Self.u64(size) + Self.u64(entry.compressedSize ?? stored.count)
            }
            out += Self.u32(0x0403_4B50) + Self.u16(zip64 ? 45 : 20) + Self.u16(entry.flags) + Self.u16(method)
            out += Self.u16(0) + Self.u16(0x21) + Self.u32(Int(crc))
            let compressedSize = entry.compressedSize ?? stored.count
            out += zip64 ? Self.u32(0xFFFF_FFFF) + Self.u32(0xFFFF_FFFF) : Self.u32(compressedSize) + Self.u32(size)
            out += Self.u16(name.count) + Self.u16(localExtra.count) + name + localExtra + stored
        }
        for (index, entry) in entries.enumerated() {
            let stored = entry.rawData ?? (entry.deflate ? Self.deflate(entry.data) : entry.data)
            let crc = entry.crc ?? Self.crc(entry.data)
            let method = entry.method ?? (entry.deflate ? 8 : 0)
            let size = entry.uncompressedSize ?? entry.data.count
            let offset = offsets[entry.localHeaderOf ?? index]
            let name = Array(entry.name.utf8)
            var extra: [UInt8] = []
            if zip64 {
                extra = Self.u16(1) + Self.u16(24) + Self.u64(size) + Self.u64(entry.compressedSize ?? stored.count) + Self.u64(offset)
            }
            central += Self.u32(0x0201_4B50) + Self.u16(zip64 ? 45 : 20) + Self.u16(zip64 ? 45 : 20) + Self.u16(entry.flags)
            central += Self.u16(method) + Self.u16(0) + Self.u16(0x21) + Self.u32(Int(crc))
            let compressedSize = entry.compressedSize ?? stored.count
            central += zip64 ? Self.u32(0xFFFF_FFFF) + Self.u32(0xFFFF_FFFF) : Self.u32(compressedSize) + Self.u32(size)
            central += Self.u16(name.count) + Self.u16(extra.count) + Self.u16(0) + Self.u16(0) + Self.u16(0) + Self.u32(0)
            central += (zip64 ? Self.u32(0xFFFF_FFFF) : Self.u32(offset)) + name + extra
        }
        let directoryOffset = out.count
        out += central
        if zip64 {
            let recordOffset = out.count
            out += Self.u32(0x0606_4B50) + Self.u64(44) + Self.u16(45) + Self.u16(45) + Self.u32(0) + Self.u32(0)
            out += Self.u64(entries.count) + Self.u64(entries.count) + Self.u64(central.count) + Self.u64(directoryOffset)
            out += Self.u32(0x0706_4B50) + Self.u32(0) + Self.u64(recordOffset) + Self.u32(1)
            out += Self.u32(0x0605_4B50) + Self.u16(0) + Self.u16(0) + Self.u16(0xFFFF) + Self.u16(0xFFFF)
            out += Self.u32(0xFFFF_FFFF) + Self.u32(0xFFFF_FFFF)
        } else {
            out += Self.u32(0x0605_4B50) + Self.u16(0) + Self.u16(0) + Self.u16(entries.count) + Self.u16(entries.count)
            out += Self.u32(central.count) + Self.u32(directoryOffset)
        }
        out += Self.u16(comment.count) + comment
        return out
    }

    static func u16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    static func u32(_ value: Int) -> [UInt8] { u16(value & 0xFFFF) + u16(value >> 16 & 0xFFFF) }
    static func u64(_ value: Int) -> [UInt8] { u32(value & 0xFFFF_FFFF) + u32(value >> 32) }

    static func crc(_ data: [UInt8]) -> UInt32 {
        UInt32(data.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, uInt($0.count)) })
    }

    /// Raw deflate (no zlib header), as ZIP stores it.
    static func deflate(_ data: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        precondition(czlib_deflate_init_raw(&stream, 9) == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 64)
        var input = data
        let written = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                precondition(CZlib.deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(written))
    }
}

/// A temporary directory removed when the value is released.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "chungtay-workbook-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }
}

/// The parts of a minimal workbook around sheet XML written by hand.
enum TestWorkbook {
    static let namespaces = """
        xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        """

    /// `sheets`: name and the `<sheetData>` content of each.
    static func zip(
        sheets: [(name: String, rows: String)], sharedStrings: [String]? = nil, styles: String? = nil,
        date1904: Bool = false, deflate: Bool = false
    ) -> TestZip {
        var zip = TestZip()
        zip.add("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>", deflate: deflate)
        zip.add("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
            Target="xl/workbook.xml"/></Relationships>
            """, deflate: deflate)
        var relationships = ""
        var sheetList = ""
        for (index, sheet) in sheets.enumerated() {
            relationships += "<Relationship Id=\"rId\(index + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(index + 1).xml\"/>"
            sheetList += "<sheet name=\"\(sheet.name)\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
            zip.add("xl/worksheets/sheet\(index + 1).xml", "<?xml version=\"1.0\"?><worksheet \(namespaces)><sheetData>\(sheet.rows)</sheetData></worksheet>", deflate: deflate)
        }
        if let sharedStrings {
            relationships += "<Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
            zip.add("xl/sharedStrings.xml", "<sst \(namespaces) count=\"\(sharedStrings.count)\" uniqueCount=\"\(sharedStrings.count)\">"
                + sharedStrings.joined() + "</sst>", deflate: deflate)
        }
        if let styles {
            relationships += "<Relationship Id=\"rIdT\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"/xl/styles.xml\"/>"
            zip.add("xl/styles.xml", "<styleSheet \(namespaces)>\(styles)</styleSheet>", deflate: deflate)
        }
        zip.add("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\(relationships)</Relationships>", deflate: deflate)
        zip.add("xl/workbook.xml", "<workbook \(namespaces)><workbookPr\(date1904 ? " date1904=\"1\"" : "")/><sheets>\(sheetList)</sheets></workbook>", deflate: deflate)
        return zip
    }

    /// Every row of a sheet.
    static func rows(_ workbook: Workbook, _ sheet: String) throws -> [SheetRowSnapshot] {
        let rows = try workbook.rows(ofSheet: sheet)
        var result: [SheetRowSnapshot] = []
        while let row = try rows.next() { result.append(SheetRowSnapshot(row)) }
        return result
    }
}

/// A row as a dictionary from cell name to value, for compact expectations.
struct SheetRowSnapshot: Equatable, CustomStringConvertible {
    var number: Int
    var cells: [String: CellValue]

    init(_ row: SheetRow) {
        number = row.number
        cells = Dictionary(uniqueKeysWithValues: row.cells.map { (CellReference.name(column: $0.column, row: row.number), $0.value) })
    }

    var description: String { "\(number): \(cells.sorted { $0.key < $1.key })" }
}
