import Foundation

/// Member names the reader knows — every field of a household or loan record
/// (SCHEMA.md), payload key and result document key — numbered once, so that the reader
/// can hand out shared strings instead of allocating one per occurrence, and records can
/// find their fields by number instead of hashing names. A household payload has about
/// thirty keys, half of them too long for Swift's inline small strings.
///
/// The names are the rules' vocabulary, listed here because the reader interns them
/// while it reads; the rules check that each of their field names is one
/// (`fieldTable`), and a test that the documents' names are.
public enum KnownKeys {
    public static let names: [String] = {
        let recordFields = [
            // Household records.
            "householdCode", "headName", "citizenId", "province", "commune", "village", "area", "members",
            "monthlyIncomePerCapita", "annualHouseholdIncome", "unemployedMembers", "noContractWageMembers", "dependants",
            "malnourishedChildren", "uninsuredMembersAged6Plus", "undereducatedAdults16to30", "childrenOutOfSchool3to15",
            "nonDurableHousingParts", "housingAreaM2", "safeWater", "hygienicLatrine", "telecomUse", "informationDevices",
            "ethnicMinority", "especiallyDifficultArea", "listStatus", "listStatusSince", "savingsGroup", "association",
            "phone",
            // Loan records.
            "loanId", "program", "principal", "disbursedOn", "maturityOn", "repaymentPeriodMonths", "principalRepaid",
            "interestPaidThrough", "annualRatePercent", "termAdjustments", "extendedTo", "frozenFrom", "frozenTo",
            "writtenOffOn", "misusedFunds", "misuseFoundOn",
        ]
        let documentKeys = [
            "asOf", "household", "loan", "whatIf", "standard", "dueSoonDays", "review", "loans", "hasActiveLoan",
            "dueOn", "newDueOn", "code", "severity", "field", "message_vi", "message_en", "newCommune",
            "incomePerCapita", "povertyLine", "deprivations", "deprivationCount", "classification", "previous",
            "current", "escapedOn", "change", "eligiblePrograms", "priorityScore", "flags", "changesClass",
            "status", "outstanding", "overduePrincipal", "daysOverdue", "overdueBucket", "nextDueOn", "nextDueAmount",
            "interestDue", "overdueSurcharge", "taskId", "kind", "batchId", "processedAt", "worker",
            // Batch stage payloads (docs/BATCH.md).
            "batch", "id", "households", "reviews", "file", "line", "record", "listFlags", "inputError", "column",
            "message", "source", "fields", "items", "cells",
        ]
        let computed = Array(Set(recordFields + documentKeys)).sorted()
        // The same text, but the literal's immortal storage when there is one: the reader
        // hands these strings out for every member, and copies of an immortal string
        // cost no reference counting. (Names up to 15 bytes are stored inline anyway.)
        return computed.map { name in literals.first { $0 == name } ?? name }
    }()

    /// The known names longer than 15 bytes, as literals.
    private static let literals: [String] = [
        "annualHouseholdIncome", "annualRatePercent", "childrenOutOfSchool3to15", "deprivationCount", "eligiblePrograms",
        "especiallyDifficultArea", "informationDevices", "interestPaidThrough", "malnourishedChildren",
        "monthlyIncomePerCapita", "noContractWageMembers", "nonDurableHousingParts", "overduePrincipal",
        "overdueSurcharge", "repaymentPeriodMonths", "undereducatedAdults16to30", "unemployedMembers",
        "uninsuredMembersAged6Plus",
    ]

    /// The lookup table: open addressing on `hash`, at most a quarter full, in memory
    /// that is never freed, so that a lookup retains nothing.
    private struct Table {
        /// Name number per slot; -1 marks a free slot.
        let slots: UnsafeMutablePointer<Int32>
        let mask: Int
        /// All names' UTF-8 bytes back to back, `offsets[i]..<offsets[i + 1]` for name i.
        let offsets: UnsafeMutablePointer<Int32>
        let utf8: UnsafeMutablePointer<UInt8>
    }

    nonisolated(unsafe) private static let table: Table = {
        let bytes = names.flatMap { Array($0.utf8) }
        let utf8 = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        utf8.initialize(from: bytes, count: bytes.count)
        let offsets = UnsafeMutablePointer<Int32>.allocate(capacity: names.count + 1)
        var offset = 0
        for (index, name) in names.enumerated() {
            offsets[index] = Int32(offset)
            offset += name.utf8.count
        }
        offsets[names.count] = Int32(offset)
        var size = 8
        while size < names.count * 4 { size *= 2 }
        let slots = UnsafeMutablePointer<Int32>.allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
        for (index, name) in names.enumerated() {
            var slot = Array(name.utf8).withUnsafeBufferPointer(hash) & (size - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(index)
        }
        return Table(slots: slots, mask: size - 1, offsets: offsets, utf8: utf8)
    }()

    /// The number of the key these bytes spell; nil for other keys.
    public static func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let table = table
        var slot = hash(bytes) & table.mask
        while true {
            let candidate = Int(table.slots[slot])
            if candidate < 0 { return nil }
            let start = Int(table.offsets[candidate])
            if Int(table.offsets[candidate + 1]) - start == bytes.count
                && (bytes.isEmpty || memcmp(table.utf8 + start, bytes.baseAddress!, bytes.count) == 0)
            {
                return candidate
            }
            slot = (slot + 1) & table.mask
        }
    }

    public static func index(of name: String) -> Int? {
        var name = name
        return name.withUTF8 { index(of: $0) }
    }

    /// Cheap and unseeded (the keys are ours, not an attacker's): the length and the
    /// first and last eight bytes, which tell every known name apart well enough.
    @inlinable
    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let count = bytes.count
        guard let base = bytes.baseAddress, count > 0 else { return 0 }
        var head: UInt64 = 0
        var tail: UInt64 = 0
        if count >= 8 {
            head = UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)
            tail = UnsafeRawPointer(base + count - 8).loadUnaligned(as: UInt64.self)
        } else {
            for index in 0..<count { head |= UInt64(base[index]) << (8 * UInt64(index)) }
        }
        var mixed = (head &* 0x9E37_79B9_7F4A_7C15) ^ (tail &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(count)
        mixed ^= mixed >> 29
        mixed = mixed &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed >> 32)
    }

    /// The fields of a record type by key number, for lookups without hashing. Every
    /// field's name must be a known key.
    public static func fieldTable<Field>(_ fields: [Field], name: (Field) -> String) -> [Field?] {
        var table = [Field?](repeating: nil, count: names.count)
        for field in fields { table[index(of: name(field))!] = field }
        return table
    }
}
