import Foundation

/// A read-only map from NFC strings to values, looked up by their UTF-8 bytes.
///
/// Swift's `Dictionary` normalises non-ASCII strings while hashing them, which made
/// looking up a Vietnamese commune name cost as much as classifying the household.
/// Keys and queries here are both NFC, so equal text means equal bytes. The lookup is
/// inlinable so that it is specialised for the caller's `Value`.
public struct ByteKeyTable<Value: Sendable>: Sendable {
    @usableFromInline let utf8: [UInt8]
    @usableFromInline let offsets: [Int]
    @usableFromInline let values: [Value]
    /// Open addressing, at most a quarter full; -1 marks a free slot.
    @usableFromInline let slots: [Int]

    public init(_ entries: [(key: String, value: Value)]) {
        var unique: [(key: String, value: Value)] = []
        var seen: Set<String> = []
        for entry in entries where seen.insert(entry.key).inserted { unique.append(entry) }
        utf8 = unique.flatMap { Array($0.key.utf8) }
        offsets = unique.reduce(into: [0]) { $0.append($0.last! + $1.key.utf8.count) }
        values = unique.map(\.value)
        var size = 8
        while size < unique.count * 4 { size *= 2 }
        var slots = [Int](repeating: -1, count: size)
        for (index, entry) in unique.enumerated() {
            var slot = Array(entry.key.utf8).withUnsafeBufferPointer(KnownKeys.hash) & (size - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = index
        }
        self.slots = slots
    }

    @inlinable
    public subscript(key: String) -> Value? {
        var key = key
        return key.withUTF8 { bytes -> Value? in
            let mask = slots.count - 1
            var slot = KnownKeys.hash(bytes) & mask
            return utf8.withUnsafeBufferPointer { known -> Value? in
                while slots[slot] >= 0 {
                    let candidate = slots[slot]
                    let start = offsets[candidate]
                    if offsets[candidate + 1] - start == bytes.count
                        && (bytes.isEmpty || Self.equal(known.baseAddress! + start, bytes.baseAddress!, bytes.count))
                    {
                        return values[candidate]
                    }
                    slot = (slot + 1) & mask
                }
                return nil
            }
        }
    }

    /// `memcmp` out of line: inlinable code cannot name Foundation, which this module
    /// imports for itself only.
    @usableFromInline
    static func equal(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        memcmp(left, right, count) == 0
    }
}
