import ChungTayWorkbook
import Foundation

/// `workbook-zip`: a file read as a ZIP archive (`ZipArchive`: end records, ZIP64, central
/// directory, local headers, stored and deflated entries) and then as a workbook. The
/// first input byte chooses the read buffer (1 << (byte & 15) bytes, so inflating straddles
/// every boundary); the rest is the file.
///
/// Properties: an entry read to its end without error yields exactly its declared size,
/// and reads the same again; a workbook that opens yields rows in rising order with cells
/// in rising columns, inside the sheet's range.
enum WorkbookZipTarget {
    static let target = FuzzTarget(name: "workbook-zip", run: run, seeds: seeds)

    /// Small limits, so that an input cannot make one run slow.
    static let limits: WorkbookLimits = {
        var limits = WorkbookLimits()
        limits.maximumPartBytes = 1 << 20
        limits.compressionRatioFloor = 64 << 10
        limits.maximumEntries = 64
        limits.maximumSharedStrings = 4096
        limits.maximumSharedStringBytes = 1 << 20
        limits.maximumXMLTokenBytes = 64 << 10
        return limits
    }()

    /// One file per process, rewritten for each input.
    private static let path: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let directory = base + "/chungtay-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory + "/workbook.xlsx"
    }()

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard let first = input.first else { return }
        guard FileManager.default.createFile(atPath: path, contents: Data(input.dropFirst())) else { return }
        let bufferSize = 1 << Int(first & 15)
        if let archive = try? ZipArchive(path: path, limits: limits) {
            for entry in archive.entries {
                guard let bytes = read(entry, of: archive, bufferSize: bufferSize) else { continue }
                try check(bytes.count == entry.uncompressedSize, "\(entry.name): \(bytes.count) bytes read, \(entry.uncompressedSize) declared")
                try check(read(entry, of: archive, bufferSize: 4096) == bytes, "\(entry.name) reads back different")
            }
        }
        guard let workbook = try? Workbook(path: path, limits: limits) else { return }
        for name in workbook.sheetNames {
            guard let rows = try? workbook.rows(ofSheet: name) else { continue }
            try WorkbookXMLTarget.checkRows(rows)
        }
    }

    /// The entry's bytes, nil when reading it fails.
    private static func read(_ entry: ZipEntry, of archive: ZipArchive, bufferSize: Int) -> [UInt8]? {
        guard let stream = try? archive.open(entry) else { return nil }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        while true {
            let count: Int? = buffer.withUnsafeMutableBytes { try? stream.read(into: $0) }
            guard let count else { return nil }
            if count == 0 { return bytes }
            bytes += buffer.prefix(count)
        }
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        let workbook = SeedArchive.workbook(deflated: false).bytes()
        seeds.add("workbook-stored", [12] + workbook)
        seeds.add("workbook-deflated", [0] + SeedArchive.workbook(deflated: true).bytes())
        seeds.add("workbook-zip64", [5] + SeedArchive.workbook(deflated: true, zip64: true).bytes())
        seeds.add("workbook-truncated", [12] + workbook.prefix(workbook.count - 30))
        seeds.add("workbook-comment", [3] + SeedArchive.workbook(deflated: false, comment: Array("made by hand".utf8)).bytes())
        var badCRC = SeedArchive.workbook(deflated: true)
        badCRC.entries[badCRC.entries.count - 1].crc = 0xDEAD_BEEF
        seeds.add("workbook-bad-crc", [12] + badCRC.bytes())
        seeds.add("empty-archive", [12] + SeedArchive().bytes())
        seeds.add("ole-header", [12, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 64))
        return seeds.seeds
    }
}

/// A ZIP writer for the seeds: stored entries, and deflated ones from a fixed-Huffman
/// encoding of literals only (valid deflate, no compression), so the seeds need no zlib.
struct SeedArchive {
    struct Entry {
        var name: String
        var data: [UInt8]
        var deflated: Bool
        var crc: UInt32?
    }

    var entries: [Entry] = []
    var zip64 = false
    var comment: [UInt8] = []

    static func workbook(deflated: Bool, zip64: Bool = false, comment: [UInt8] = []) -> SeedArchive {
        var archive = SeedArchive(zip64: zip64, comment: comment)
        let namespaces = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
        let relationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        archive.add("_rels/.rels", "<Relationships><Relationship Id=\"rId1\" Type=\"\(relationship)officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>", deflated)
        archive.add("xl/_rels/workbook.xml.rels", """
            <Relationships><Relationship Id="rId1" Type="\(relationship)worksheet" Target="worksheets/sheet1.xml"/>\
            <Relationship Id="rId2" Type="\(relationship)sharedStrings" Target="sharedStrings.xml"/>\
            <Relationship Id="rId3" Type="\(relationship)styles" Target="styles.xml"/></Relationships>
            """, deflated)
        archive.add("xl/workbook.xml", "<workbook \(namespaces)><workbookPr date1904=\"0\"/><sheets><sheet name=\"Danh sách\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>", deflated)
        archive.add("xl/sharedStrings.xml", "<sst \(namespaces) uniqueCount=\"2\"><si><t>Mã hộ</t></si><si><r><t>Nguyễn </t></r><r><t>Văn An</t></r></si></sst>", deflated)
        archive.add("xl/styles.xml", "<styleSheet \(namespaces)><numFmts><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/></numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>", deflated)
        archive.add("xl/worksheets/sheet1.xml", """
            <worksheet \(namespaces)><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>\
            <row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><v>40.8</v></c><c r="C3" s="1"><v>45839</v></c>\
            <c r="D3" t="b"><v>1</v></c><c r="E3" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>
            """, deflated)
        return archive
    }

    mutating func add(_ name: String, _ text: String, _ deflated: Bool) {
        entries.append(Entry(name: name, data: Array(text.utf8), deflated: deflated))
    }

    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let data = entry.deflated ? Self.fixedHuffman(entry.data) : entry.data
            let crc = Int(entry.crc ?? Self.crc32(entry.data))
            let name = Array(entry.name.utf8)
            let offset = out.count
            let sizes = zip64 ? u32(0xFFFF_FFFF) + u32(0xFFFF_FFFF) : u32(data.count) + u32(entry.data.count)
            let localExtra = zip64 ? u16(1) + u16(16) + u64(entry.data.count) + u64(data.count) : []
            out += u32(0x0403_4B50) + u16(20) + u16(0) + u16(entry.deflated ? 8 : 0) + u32(0) + u32(crc) + sizes
            out += u16(name.count) + u16(localExtra.count) + name + localExtra + data
            let extra = zip64 ? u16(1) + u16(24) + u64(entry.data.count) + u64(data.count) + u64(offset) : []
            central += u32(0x0201_4B50) + u16(20) + u16(20) + u16(0) + u16(entry.deflated ? 8 : 0) + u32(0) + u32(crc) + sizes
            central += u16(name.count) + u16(extra.count) + u16(0) + u16(0) + u16(0) + u32(0)
            central += (zip64 ? u32(0xFFFF_FFFF) : u32(offset)) + name + extra
        }
        let directoryOffset = out.count
        out += central
        if zip64 {
            let record = out.count
            out += u32(0x0606_4B50) + u64(44) + u16(45) + u16(45) + u32(0) + u32(0) + u64(entries.count) + u64(entries.count)
            out += u64(central.count) + u64(directoryOffset)
            out += u32(0x0706_4B50) + u32(0) + u64(record) + u32(1)
            out += u32(0x0605_4B50) + u32(0) + u16(0xFFFF) + u16(0xFFFF) + u32(0xFFFF_FFFF) + u32(0xFFFF_FFFF)
        } else {
            out += u32(0x0605_4B50) + u32(0) + u16(entries.count) + u16(entries.count) + u32(central.count) + u32(directoryOffset)
        }
        return out + u16(comment.count) + comment
    }

    /// One final fixed-Huffman block (RFC 1951 §3.2.6) of literals and the end code.
    static func fixedHuffman(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var bitBuffer = 0
        var bitCount = 0
        func bits(_ value: Int, _ count: Int) {  // least significant bit first
            bitBuffer |= value << bitCount
            bitCount += count
            while bitCount >= 8 {
                out.append(UInt8(bitBuffer & 0xFF))
                bitBuffer >>= 8
                bitCount -= 8
            }
        }
        func code(_ value: Int, _ length: Int) {  // Huffman codes go most significant bit first
            var reversed = 0
            for bit in 0..<length where value & (1 << bit) != 0 { reversed |= 1 << (length - 1 - bit) }
            bits(reversed, length)
        }
        bits(1, 1)
        bits(1, 2)
        for byte in data {
            if byte < 144 { code(0x30 + Int(byte), 8) } else { code(0x190 + Int(byte) - 144, 9) }
        }
        code(0, 7)
        if bitCount > 0 { out.append(UInt8(bitBuffer & 0xFF)) }
        return out
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private func u16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    private func u32(_ value: Int) -> [UInt8] { u16(value & 0xFFFF) + u16(value >> 16 & 0xFFFF) }
    private func u64(_ value: Int) -> [UInt8] { u32(value & 0xFFFF_FFFF) + u32(value >> 32) }
}
