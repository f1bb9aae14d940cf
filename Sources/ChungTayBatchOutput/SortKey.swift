import Foundation

/// The order of rows in a commune's CSV files, as one byte string compared bytewise, so
/// no locale is involved and the order is the same on every machine.
///
/// It is the order of the rules module's savings-group lists: village, then name, each
/// compared first without regard to case and diacritics ("Đinh" beside "Dinh", "Ánh"
/// beside "Anh"), then exactly (as NFC UTF-8 bytes); then the household code and, for
/// loans, the loan id. This is not the Vietnamese dictionary order (where "Đ" follows
/// "D" and "Ă", "Â" follow "A" as letters of their own), which no locale-free byte order
/// gives; names that differ only by diacritics stay next to each other, which is what a
/// reader scanning a printed list needs.
///
/// Fields are separated by a 0 byte, which sorts below every other byte, so comparing
/// the joined keys compares the fields in turn (a NUL inside a value becomes 0x01).
struct SortKey {
    /// The folded form of each non-ASCII scalar met so far. Canonical decomposition
    /// works scalar by scalar (reordering only moves combining marks, which folding
    /// drops), so folding a scalar at a time gives what folding the whole text gives,
    /// without a Foundation normalisation per text.
    private var cache: [Unicode.Scalar: String] = [:]

    mutating func make(village: String?, name: String?, then exact: [String?]) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(96)
        Self.append(folded(village), to: &key)
        Self.append(folded(name), to: &key)
        Self.append(village, to: &key)
        Self.append(name, to: &key)
        for field in exact { Self.append(field, to: &key) }
        return key
    }

    private static func append(_ text: String?, to key: inout [UInt8]) {
        for byte in (text ?? "").utf8 { key.append(byte == 0 ? 1 : byte) }
        key.append(0)
    }

    /// `SortKey.folded`, a scalar at a time: ASCII directly, the rest through the cache.
    mutating func folded(_ text: String?) -> String {
        guard let text else { return "" }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A: result.unicodeScalars.append(Unicode.Scalar(UInt8(scalar.value) + 0x20))
            case 0x20...0x7E: result.unicodeScalars.append(scalar)
            case 0x09, 0x0A, 0x0D: result.unicodeScalars.append(" ")
            case 0x00...0x7F: result.unicodeScalars.append("?")
            default:
                if let folded = cache[scalar] {
                    result += folded
                } else {
                    let folded = Self.folded(String(scalar))
                    cache[scalar] = folded
                    result += folded
                }
            }
        }
        return result
    }

    /// Unaccented and lower-cased, as the rules module's `ListOrder` compares names:
    /// Vietnamese letters lose their marks, đ/Đ become d, tabs and line breaks become
    /// spaces, anything else outside printable ASCII becomes "?".
    static func folded(_ text: String?) -> String {
        guard let text else { return "" }
        var result = ""
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.value {
            case 0x20...0x7E: result.unicodeScalars.append(scalar)
            case 0x09, 0x0A, 0x0D: result.unicodeScalars.append(" ")
            case 0x0110, 0x0111: result.unicodeScalars.append("d")
            default:
                if scalar.properties.canonicalCombiningClass == .notReordered {
                    result.unicodeScalars.append("?")
                }
            }
        }
        return result.lowercased()
    }

    /// Bytewise order of two keys.
    static func precedes(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(lhs.count, rhs.count)
        if common > 0 {
            let order = memcmp(lhs.baseAddress!, rhs.baseAddress!, common)
            if order != 0 { return order < 0 }
        }
        return lhs.count < rhs.count
    }
}
