import Foundation

/// Unicode handling for Vietnamese text: names arrive in NFC or NFD and must be stored
/// in NFC and compare equal; SMS gateways want the same text without diacritics.
enum UnicodeText {
    /// The text in Unicode NFC.
    ///
    /// Foundation's normaliser costs microseconds per string, which would dominate a
    /// review, so text that is provably NFC already (ASCII, Latin-1 to Latin Extended-B,
    /// and the precomposed Vietnamese letters U+1E00–U+1EFF, none of which combine) is
    /// returned as it is; only text with combining marks or other scripts is normalised.
    static func nfc(_ text: String) -> String {
        var text = text
        let alreadyNFC = text.withUTF8 { bytes -> Bool in
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                if byte < 0x80 {
                    index += 1
                } else if byte >= 0xC2 && byte <= 0xCB {
                    // Two-byte sequences below U+0300, where combining marks start.
                    index += 2
                } else if byte == 0xE1 && index + 1 < count && bytes[index + 1] >= 0xB8 && bytes[index + 1] <= 0xBB {
                    // U+1E00–U+1EFF, Latin Extended Additional.
                    index += 3
                } else {
                    return false
                }
            }
            return true
        }
        return alreadyNFC ? text : text.precomposedStringWithCanonicalMapping
    }

    static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The text without leading and trailing white space (Unicode white space included,
    /// since spreadsheets leave no-break spaces in cells).
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.first else { return text }
        let last = utf8[utf8.index(before: utf8.endIndex)]
        if !mayStartWhitespace(first) && (last < 0x80 ? !isASCIIWhitespace(last) : !mayEndWhitespace(text)) {
            return text
        }
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }

    /// Whether a UTF-8 lead byte can begin a white-space scalar: ASCII white space, or
    /// the lead bytes of U+0085, U+00A0, U+1680, U+2000–U+205F and U+3000.
    private static func mayStartWhitespace(_ byte: UInt8) -> Bool {
        byte < 0x80 ? isASCIIWhitespace(byte) : (byte == 0xC2 || byte == 0xE1 || byte == 0xE2 || byte == 0xE3)
    }

    private static func mayEndWhitespace(_ text: String) -> Bool {
        guard let last = text.unicodeScalars.last else { return false }
        return last.properties.isWhitespace
    }

    /// Lower-cased, with runs of white space collapsed to one space and the ends trimmed:
    /// the form in which commune names are compared.
    static func foldedForComparison(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace {
                    result.unicodeScalars.append(" ")
                    pendingSpace = false
                }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The text without diacritics, in printable ASCII: Vietnamese letters lose their
    /// marks, đ/Đ become d/D, anything else outside ASCII becomes "?".
    static func unaccented(_ text: String) -> String {
        var result = ""
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.value {
            case 0x20...0x7E:
                result.unicodeScalars.append(scalar)
            case 0x09, 0x0A, 0x0D:
                result.unicodeScalars.append(" ")
            case 0x0111:
                result.unicodeScalars.append("d")
            case 0x0110:
                result.unicodeScalars.append("D")
            default:
                if scalar.properties.canonicalCombiningClass == .notReordered {
                    result.unicodeScalars.append("?")
                }
            }
        }
        return result
    }
}
