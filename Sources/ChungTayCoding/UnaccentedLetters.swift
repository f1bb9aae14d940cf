/// The table behind `UnicodeText.unaccented` for the text it meets nearly always:
/// ASCII, U+0080–U+036F (Latin-1 Supplement, Latin Extended-A and -B, IPA, spacing
/// modifiers and combining diacritical marks) and U+1E00–U+1EFF (Latin Extended
/// Additional, where most precomposed Vietnamese letters are).
///
/// Each scalar there decomposes canonically into at most one starter followed by
/// combining marks, and the marks are dropped, so the unaccented text is the
/// concatenation of one entry per scalar: the base letter of a precomposed letter
/// (`ế` → `e`, `Ư` → `U`, `đ` → `d`), `?` for a scalar with no ASCII base, nothing for a
/// combining mark. The entries are what Foundation's `decomposedStringWithCanonicalMapping`
/// gives, and a test checks every one of them against it.
enum UnaccentedLetters {
    /// One character per scalar; `_` marks a scalar that leaves nothing (a combining mark).
    private static let latinRows: [StaticString] = [
        "????????????????????????????????", // U+0080
        "????????????????????????????????", // U+00A0
        "AAAAAA?CEEEEIIII?NOOOOO??UUUUY??", // U+00C0
        "aaaaaa?ceeeeiiii?nooooo??uuuuy?y", // U+00E0
        "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGg", // U+0100
        "GgGgHh??IiIiIiIiI???JjKk?LlLlLl?", // U+0120
        "???NnNnNn???OoOoOo??RrRrRrSsSsSs", // U+0140
        "SsTtTt??UuUuUuUuUuUuWwYyYZzZzZz?", // U+0160
        "????????????????????????????????", // U+0180
        "Oo?????????????Uu???????????????", // U+01A0
        "?????????????AaIiOoUuUuUuUuUu?Aa", // U+01C0
        "Aa????GgKkOoOo??j???Gg??NnAa????", // U+01E0
        "AaAaEeEeIiIiOoOoRrRrUuUuSsTt??Hh", // U+0200
        "??????AaEeOoOoOoOoYy????????????", // U+0220
        "????????????????????????????????", // U+0240
        "????????????????????????????????", // U+0260
        "????????????????????????????????", // U+0280
        "????????????????????????????????", // U+02A0
        "????????????????????????????????", // U+02C0
        "????????????????????????????????", // U+02E0
        "________________________________", // U+0300
        "________________________________", // U+0320
        "_______________?________________", // U+0340
        "________________", // U+0360
    ]

    private static let additionalRows: [StaticString] = [
        "AaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFf", // U+1E00
        "GgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMm", // U+1E20
        "MmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRr", // U+1E40
        "SsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVv", // U+1E60
        "WwWwWwWwWwXxXxYyZzZzZzhtwy??????", // U+1E80
        "AaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEe", // U+1EA0
        "EeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOo", // U+1EC0
        "OoOoUuUuUuUuUuUuUuYyYyYyYy??????", // U+1EE0
    ]

    private static let latinCount = 0x370 - 0x80

    /// Output bytes for U+0080..<U+0370, then U+1E00...U+1EFF; 0 for nothing.
    private static let table: [UInt8] = {
        var table: [UInt8] = []
        table.reserveCapacity(latinCount + 0x100)
        for row in latinRows + additionalRows {
            row.withUTF8Buffer { bytes in
                for byte in bytes { table.append(byte == UInt8(ascii: "_") ? 0 : byte) }
            }
        }
        precondition(table.count == latinCount + 0x100, "unaccented table has the wrong size")
        return table
    }()

    /// Writes the unaccented form of `utf8` (valid UTF-8, from a `String`) to `output`,
    /// which has room for `utf8.count` bytes: no scalar gives more than one byte.
    ///
    /// - Returns: the number of bytes written, or nil when the text holds a scalar outside
    ///   the table, for the caller to go through Foundation instead.
    static func unaccent(_ utf8: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> Int? {
        table.withUnsafeBufferPointer { table -> Int? in
            var index = 0
            var written = 0
            let count = utf8.count
            while index < count {
                let lead = utf8[index]
                let entry: UInt8
                if lead < 0x80 {
                    switch lead {
                    case 0x20...0x7E: entry = lead
                    case 0x09, 0x0A, 0x0D: entry = UInt8(ascii: " ")
                    default: entry = UInt8(ascii: "?")  // the other control characters
                    }
                    index += 1
                } else if lead >= 0xC2 && lead <= 0xCD {
                    let scalar = Int(lead & 0x1F) << 6 | Int(utf8[index + 1] & 0x3F)
                    guard scalar < 0x370 else { return nil }
                    entry = table[scalar - 0x80]
                    index += 2
                } else if lead == 0xE1 && utf8[index + 1] >= 0xB8 && utf8[index + 1] <= 0xBB {
                    let scalar = Int(utf8[index + 1] & 0x3F) << 6 | Int(utf8[index + 2] & 0x3F)
                    entry = table[latinCount + scalar - 0xE00]
                    index += 3
                } else {
                    return nil
                }
                if entry != 0 {
                    output[written] = entry
                    written += 1
                }
            }
            return written
        }
    }
}
