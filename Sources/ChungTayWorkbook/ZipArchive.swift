/// A ZIP archive's directory (APPNOTE.TXT 6.3: end of central directory, ZIP64 end
/// record and locator, central directory headers), read once at open; entries are then
/// streamed one at a time with `open(_:)`.
///
/// Everything is checked against the file before use: the directory lies inside the file
/// before its end record, entries' local headers and data lie before the directory and do
/// not overlap (overlapping entries are how the smallest zip bombs multiply one stream),
/// one disk only, no name twice (case-insensitively, as OPC part names compare).
package final class ZipArchive {
    package let entries: [ZipEntry]
    let file: ArchiveFile
    let limits: WorkbookLimits
    /// Entry index by `PartPath.key` of its name.
    private let byName: [[UInt8]: Int]

    private static let endSignature = 0x0605_4B50
    private static let zip64EndSignature = 0x0606_4B50
    private static let zip64LocatorSignature = 0x0706_4B50
    private static let centralSignature = 0x0201_4B50
    private static let localSignature = 0x0403_4B50

    package convenience init(path: String, limits: WorkbookLimits = WorkbookLimits()) throws(WorkbookError) {
        try self.init(file: ArchiveFile(path: path), limits: limits)
    }

    init(file: ArchiveFile, limits: WorkbookLimits) throws(WorkbookError) {
        self.file = file
        self.limits = limits
        let directory = try Self.findDirectory(in: file)
        guard directory.count <= limits.maximumEntries else {
            throw .limitExceeded(part: "archive directory", what: "\(directory.count) entries", limit: limits.maximumEntries)
        }
        guard directory.size <= limits.maximumCentralDirectoryBytes else {
            throw .limitExceeded(part: "archive directory", what: "\(directory.size) bytes", limit: limits.maximumCentralDirectoryBytes)
        }
        guard let bytes = try file.bytes(at: directory.offset, count: directory.size) else {
            throw .damagedArchive("the central directory runs past the end of the file")
        }
        var entries = try Self.parseEntries(bytes, count: directory.count, directoryOffset: directory.offset)
        // Each entry's data must end before the next local header or the directory.
        let order = entries.indices.sorted { entries[$0].localHeaderOffset < entries[$1].localHeaderOffset }
        for (position, index) in order.enumerated() {
            let next = position + 1 < order.count ? entries[order[position + 1]].localHeaderOffset : directory.offset
            guard next > entries[index].localHeaderOffset else {
                throw .damagedArchive("entries \(entries[index].name) and \(entries[order[position + 1]].name) share their data")
            }
            entries[index].dataLimit = next
        }
        var byName: [[UInt8]: Int] = [:]
        for (index, entry) in entries.enumerated() {
            guard byName.updateValue(index, forKey: PartPath.key(entry.name)) == nil else {
                throw .damagedArchive("the entry \(entry.name) is in the archive twice")
            }
        }
        self.entries = entries
        self.byName = byName
    }

    /// The entry of a part name (`xl/workbook.xml`), ASCII letters compared without case.
    package func entry(named name: String) -> ZipEntry? {
        byName[PartPath.key(name)].map { entries[$0] }
    }

    /// A stream of the entry's inflated bytes, checked against its size and CRC-32 at the end.
    package func open(_ entry: ZipEntry) throws(WorkbookError) -> ZipEntryStream {
        try ZipEntryStream(entry: entry, file: file, limits: limits)
    }

    private struct Directory {
        var offset: Int
        var size: Int
        var count: Int
    }

    /// Finds the end of central directory record: the last signature in the file's final
    /// 64 KiB + 22 bytes whose comment length reaches exactly to the end of the file, then
    /// the ZIP64 records when the classic fields are saturated.
    private static func findDirectory(in file: ArchiveFile) throws(WorkbookError) -> Directory {
        guard file.size >= 22 else {
            throw .notAnArchive(file.size == 0 ? "the file is empty" : "the file is too short (\(file.size) bytes)")
        }
        let tailCount = min(file.size, 22 + 65_535)
        let tailStart = file.size - tailCount
        guard let tail = try file.bytes(at: tailStart, count: tailCount) else {
            throw .notAnArchive("the file changed while it was read")
        }
        var found: Int?
        var position = tailCount - 22
        while position >= 0 {
            let record = LittleEndianFields(tail, at: position)
            if record.u32(0) == endSignature && position + 22 + record.u16(20) == tailCount {
                found = position
                break
            }
            position -= 1
        }
        guard let endIndex = found else {
            throw .notAnArchive(try describeNonArchive(file))
        }
        let end = LittleEndianFields(tail, at: endIndex)
        let endOffset = tailStart + endIndex
        guard end.u16(4) == 0 || end.u16(4) == 0xFFFF, end.u16(6) == 0 || end.u16(6) == 0xFFFF else {
            throw .damagedArchive("archives split over several disks are not read")
        }
        var directory = Directory(offset: end.u32(16), size: end.u32(12), count: end.u16(10))
        var directoryEndLimit = endOffset
        if directory.count == 0xFFFF || directory.size == 0xFFFF_FFFF || directory.offset == 0xFFFF_FFFF {
            if let zip64 = try zip64Directory(in: file, endOffset: endOffset) {
                directory = zip64.directory
                directoryEndLimit = zip64.recordOffset
            }
        }
        guard directory.offset <= directoryEndLimit, directory.size <= directoryEndLimit - directory.offset else {
            throw .damagedArchive("the central directory lies outside the file")
        }
        // A central header is at least 46 bytes.
        guard directory.count <= directory.size / 46 else {
            throw .damagedArchive("the directory claims \(directory.count) entries in \(directory.size) bytes")
        }
        return directory
    }

    /// The ZIP64 end of central directory record through its locator right before the
    /// classic end record; nil when there is no locator (the saturated values are real).
    private static func zip64Directory(in file: ArchiveFile, endOffset: Int) throws(WorkbookError) -> (directory: Directory, recordOffset: Int)? {
        guard endOffset >= 20, let locatorBytes = try file.bytes(at: endOffset - 20, count: 20) else { return nil }
        let locator = LittleEndianFields(locatorBytes)
        guard locator.u32(0) == zip64LocatorSignature else { return nil }
        guard locator.u32(4) == 0, locator.u32(16) <= 1 else {
            throw .damagedArchive("archives split over several disks are not read")
        }
        guard let recordOffset = locator.u64(8), recordOffset <= endOffset - 20 - 56,
            let recordBytes = try file.bytes(at: recordOffset, count: 56)
        else {
            throw .damagedArchive("the ZIP64 end record lies outside the file")
        }
        let record = LittleEndianFields(recordBytes)
        guard record.u32(0) == zip64EndSignature else {
            throw .damagedArchive("no ZIP64 end record where its locator points")
        }
        guard record.u32(16) == 0, record.u32(20) == 0 else {
            throw .damagedArchive("archives split over several disks are not read")
        }
        guard let count = record.u64(32), let size = record.u64(40), let offset = record.u64(48) else {
            throw .damagedArchive("the ZIP64 end record holds impossible sizes")
        }
        return (Directory(offset: offset, size: size, count: count), recordOffset)
    }

    /// What the file is instead, for the message: the OLE compound file signature is what
    /// both an old `.xls` and a password-protected `.xlsx` start with.
    private static func describeNonArchive(_ file: ArchiveFile) throws(WorkbookError) -> String {
        let head = try file.bytes(at: 0, count: min(file.size, 8)) ?? []
        if head == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
            return "it is an OLE compound file: an old .xls workbook or a password-protected one; "
                + "save it in Excel as an unprotected .xlsx workbook"
        }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return "a ZIP archive without its end record (cut short?)"
        }
        return "no ZIP end of central directory record"
    }

    private static func parseEntries(_ bytes: [UInt8], count: Int, directoryOffset: Int) throws(WorkbookError) -> [ZipEntry] {
        var entries: [ZipEntry] = []
        entries.reserveCapacity(count)
        var position = 0
        for _ in 0..<count {
            let header = LittleEndianFields(bytes, at: position)
            guard header.has(46), header.u32(0) == centralSignature else {
                throw .damagedArchive("central directory entry \(entries.count + 1) is damaged")
            }
            let nameLength = header.u16(28)
            let extraLength = header.u16(30)
            let commentLength = header.u16(32)
            let recordLength = 46 + nameLength + extraLength + commentLength
            guard header.has(recordLength) else {
                throw .damagedArchive("central directory entry \(entries.count + 1) runs past the directory")
            }
            let name = String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            var entry = ZipEntry(
                name: name, flags: header.u16(8), method: header.u16(10), crc32: UInt32(header.u32(16)),
                compressedSize: header.u32(20), uncompressedSize: header.u32(24), localHeaderOffset: header.u32(42),
                dataLimit: 0)
            var diskStart = header.u16(34)
            let extra = LittleEndianFields(Array(bytes[(position + 46 + nameLength)..<(position + 46 + nameLength + extraLength)]))
            try readZip64Extra(extra, into: &entry, diskStart: &diskStart)
            guard diskStart == 0 else { throw .damagedArchive("archives split over several disks are not read") }
            guard directoryOffset >= 30, entry.localHeaderOffset <= directoryOffset - 30 else {
                throw .damagedArchive("the entry \(name) starts outside the file's entries")
            }
            entries.append(entry)
            position += recordLength
        }
        return entries
    }

    /// The ZIP64 extended information extra field (header 0x0001): the 64-bit values of the
    /// fields saturated in the header, in the order uncompressed size, compressed size,
    /// local header offset, disk (APPNOTE 4.5.3).
    private static func readZip64Extra(_ extra: LittleEndianFields, into entry: inout ZipEntry, diskStart: inout Int) throws(WorkbookError) {
        var position = 0
        while extra.bytes.count - position >= 4 {
            let field = LittleEndianFields(extra.bytes, at: position)
            let id = field.u16(0)
            let size = field.u16(2)
            guard extra.bytes.count - position - 4 >= size else { return }
            if id == 0x0001 {
                let values = LittleEndianFields(extra.bytes, at: position + 4)
                var offset = 0
                func next() throws(WorkbookError) -> Int {
                    guard offset + 8 <= size, let value = values.u64(offset) else {
                        throw .damagedArchive("the ZIP64 sizes of \(entry.name) are damaged")
                    }
                    offset += 8
                    return value
                }
                if entry.uncompressedSize == 0xFFFF_FFFF { entry.uncompressedSize = try next() }
                if entry.compressedSize == 0xFFFF_FFFF { entry.compressedSize = try next() }
                if entry.localHeaderOffset == 0xFFFF_FFFF { entry.localHeaderOffset = try next() }
                if diskStart == 0xFFFF {
                    guard offset + 4 <= size else { throw .damagedArchive("the ZIP64 sizes of \(entry.name) are damaged") }
                    diskStart = values.u32(offset)
                }
                return
            }
            position += 4 + size
        }
    }
}
