import Foundation

/// Member names known to this module — every record field, payload key and result
/// document key — numbered once, so that the reader can hand out shared strings instead
/// of allocating one per occurrence, and records can find their fields by number
/// instead of hashing names. A household payload has about thirty keys, half of them
/// too long for Swift's inline small strings.
enum KnownKeys {
    static let names: [String] = {
        let documentKeys = [
            "asOf", "household", "loan", "whatIf", "standard", "dueSoonDays", "review", "loans", "hasActiveLoan",
            "dueOn", "newDueOn", "code", "severity", "field", "message_vi", "message_en", "newCommune",
            "incomePerCapita", "povertyLine", "deprivations", "deprivationCount", "classification", "previous",
            "current", "escapedOn", "change", "eligiblePrograms", "priorityScore", "flags", "changesClass",
            "status", "outstanding", "overduePrincipal", "daysOverdue", "overdueBucket", "nextDueOn", "nextDueAmount",
            "interestDue", "overdueSurcharge", "taskId", "kind", "batchId", "processedAt", "worker",
        ]
        return Array(Set(HouseholdField.allCases.map(\.name) + LoanField.allCases.map(\.name) + documentKeys)).sorted()
    }()

    /// All names' UTF-8 bytes back to back, `offsets[i]..<offsets[i + 1]` for name i.
    private static let utf8: [UInt8] = names.flatMap { Array($0.utf8) }
    private static let offsets: [Int] = names.reduce(into: [0]) { $0.append($0.last! + $1.utf8.count) }
    /// Open addressing on the FNV-1a hash, at most a quarter full; -1 marks a free slot.
    private static let slots: [Int] = {
        var size = 8
        while size < names.count * 4 { size *= 2 }
        var slots = [Int](repeating: -1, count: size)
        for (index, name) in names.enumerated() {
            var slot = Array(name.utf8).withUnsafeBufferPointer(hash) & (size - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = index
        }
        return slots
    }()

    /// The number of the key these bytes spell, given their `hash`; nil for other keys.
    static func index(of bytes: UnsafeBufferPointer<UInt8>, hash: Int) -> Int? {
        let mask = slots.count - 1
        var slot = hash & mask
        return utf8.withUnsafeBufferPointer { known -> Int? in
            while slots[slot] >= 0 {
                let candidate = slots[slot]
                let start = offsets[candidate]
                if offsets[candidate + 1] - start == bytes.count
                    && (bytes.isEmpty || memcmp(known.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0)
                {
                    return candidate
                }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    static func index(of name: String) -> Int? {
        var name = name
        return name.withUTF8 { index(of: $0, hash: hash($0)) }
    }

    /// FNV-1a: cheap and unseeded (the keys are ours, not an attacker's).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash)
    }

    /// The fields of a record type by key number, for lookups without hashing.
    static func fieldTable<Field>(_ fields: [Field], name: (Field) -> String) -> [Field?] {
        var table = [Field?](repeating: nil, count: names.count)
        for field in fields { table[index(of: name(field))!] = field }
        return table
    }
}
