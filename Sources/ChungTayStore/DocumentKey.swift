import ChungTayCoding

/// A stored document's position in its segment, under the hash of its key.
public struct DocumentKey: Sendable, Equatable {
    public var hash: Int64
    public var offset: Int64
    public var length: Int64

    public init(hash: Int64, offset: Int64, length: Int64) {
        self.hash = hash
        self.offset = offset
        self.length = length
    }

    /// One entry of a keys file: hash, offset, length, each a little-endian `i64`.
    static let entrySize = 24

    var end: Int64 { offset + length }

    /// Whether the entry can index a committed document: a positive length inside the
    /// segment's committed end (read from a file, the numbers are checked, not trusted).
    func isInside(committedEnd: Int64) -> Bool {
        guard offset >= 0, length > 0 else { return false }
        let (end, overflow) = offset.addingReportingOverflow(length)
        return !overflow && end <= committedEnd
    }

    func append(to bytes: inout [UInt8]) {
        for value in [hash, offset, length] {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
    }

    init(_ bytes: [UInt8], at position: Int) {
        func load(_ start: Int) -> Int64 {
            var value: Int64 = 0
            for index in (0..<8).reversed() { value = value << 8 | Int64(bytes[start + index]) }
            return value
        }
        self.init(hash: load(position), offset: load(position + 8), length: load(position + 16))
    }

    /// FNV-1a, 64 bits: cheap, stable across runs and machines (Swift's `Hasher` is
    /// seeded per process, so it cannot index a file). Collisions are harmless: readers
    /// compare the document's own key.
    public static func hash(_ key: String) -> Int64 {
        Int64(bitPattern: FNV1a.hash(key.utf8))
    }
}
