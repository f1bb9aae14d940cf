/// Rows of one CSV file or sheet that must come out sorted, gathered from a stream whose order is
/// the store's: each row is rendered once and appended with its sort key to a spill
/// file of its own (mode 0600, in the export's staging directory, removed at the end).
///
/// Buffers live in memory until all of them together pass the limit (8 MiB), then every
/// buffer is appended to its file, each file opened and closed for the append. So
/// however many communes a batch has, at most one spill file is open at a time, and the
/// rows in memory stay under the limit while the store is read. Sorting a file needs
/// its rows in memory: one commune at a time.
final class SpillSet {
    /// Bytes of rows buffered across all spills before they are written out.
    static let defaultLimit = 8 << 20

    private let limit: Int

    private var spills: [Spill] = []
    private var buffered = 0

    init(limit: Int = SpillSet.defaultLimit) {
        self.limit = limit
    }

    final class Spill {
        let path: String
        fileprivate var buffer: [UInt8] = []
        fileprivate(set) var rows = 0
        fileprivate var onDisk = false

        fileprivate init(path: String) {
            self.path = path
        }
    }

    func make(path: String) -> Spill {
        let spill = Spill(path: path)
        spills.append(spill)
        return spill
    }

    /// Adds one rendered row (a CSV line with its CRLF, or a workbook's `FieldRow`) with its sort key.
    func append(_ row: [UInt8], key: [UInt8], to spill: Spill) throws(BatchExportError) {
        let before = spill.buffer.count
        Self.appendLength(key.count, to: &spill.buffer)
        spill.buffer.append(contentsOf: key)
        Self.appendLength(row.count, to: &spill.buffer)
        spill.buffer.append(contentsOf: row)
        spill.rows += 1
        buffered += spill.buffer.count - before
        if buffered >= limit { try flushAll() }
    }

    func flushAll() throws(BatchExportError) {
        for spill in spills where !spill.buffer.isEmpty {
            try PrivateFiles.append(spill.buffer, to: spill.path)
            spill.onDisk = true
            spill.buffer = []
        }
        buffered = 0
    }

    /// Hands a spill's rows to `body` in key order (ties in the order they came), then
    /// frees its memory.
    func forEachSorted(_ spill: Spill, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var bytes: [UInt8]
        if spill.onDisk {
            try flushAll()
            bytes = try PrivateFiles.readAll(spill.path)
        } else {
            buffered -= spill.buffer.count
            bytes = spill.buffer
            spill.buffer = []
        }
        defer { bytes = [] }
        // Offsets of each record's key and row.
        var entries: [Entry] = []
        entries.reserveCapacity(spill.rows)
        var offset = 0
        while offset + 4 <= bytes.count {
            let keyLength = Self.readLength(bytes, at: offset)
            let keyStart = offset + 4
            let rowLength = Self.readLength(bytes, at: keyStart + keyLength)
            let rowStart = keyStart + keyLength + 4
            entries.append(Entry(keyStart: keyStart, keyLength: keyLength, rowStart: rowStart, rowLength: rowLength))
            offset = rowStart + rowLength
        }
        try bytes.withUnsafeBufferPointer { buffer in
            entries.sort { lhs, rhs in
                let left = UnsafeBufferPointer(rebasing: buffer[lhs.keyStart..<lhs.keyStart + lhs.keyLength])
                let right = UnsafeBufferPointer(rebasing: buffer[rhs.keyStart..<rhs.keyStart + rhs.keyLength])
                if SortKey.precedes(left, right) { return true }
                if SortKey.precedes(right, left) { return false }
                return lhs.keyStart < rhs.keyStart
            }
            for entry in entries {
                try body(UnsafeBufferPointer(rebasing: buffer[entry.rowStart..<entry.rowStart + entry.rowLength]))
            }
        }
    }

    private struct Entry {
        var keyStart: Int
        var keyLength: Int
        var rowStart: Int
        var rowLength: Int
    }

    private static func appendLength(_ length: Int, to buffer: inout [UInt8]) {
        let value = UInt32(length)
        buffer.append(UInt8(truncatingIfNeeded: value))
        buffer.append(UInt8(truncatingIfNeeded: value >> 8))
        buffer.append(UInt8(truncatingIfNeeded: value >> 16))
        buffer.append(UInt8(truncatingIfNeeded: value >> 24))
    }

    private static func readLength(_ bytes: [UInt8], at offset: Int) -> Int {
        Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
    }
}
