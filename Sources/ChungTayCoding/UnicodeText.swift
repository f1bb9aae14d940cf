import Foundation

/// Unicode handling for Vietnamese text: names arrive in NFC or NFD and must be stored
/// in NFC and compare equal; SMS gateways want the same text without diacritics.
public enum UnicodeText {
    /// The text in Unicode NFC.
    ///
    /// Foundation's normaliser costs microseconds per string, which would dominate a
    /// review, so text that is provably NFC already (ASCII, Latin-1 to Latin Extended-B,
    /// and the precomposed Vietnamese letters U+1E00–U+1EFF, none of which combine) is
    /// returned as it is; only text with combining marks or other scripts is normalised.
    @inlinable
    public static func nfc(_ text: String) -> String {
        var text = text
        let alreadyNFC = text.withUTF8 { isProvablyNFC($0) }
        return alreadyNFC ? text : composed(text)
    }

    /// Foundation's NFC, out of line: inlinable code cannot name Foundation, which this
    /// module imports for itself only.
    @usableFromInline
    static func composed(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping
    }

    /// Whether valid UTF-8 text is NFC by `nfc`'s quick test: ASCII, two-byte sequences
    /// below U+0300 and U+1E00–U+1EFF only.
    @inlinable
    public static func isProvablyNFC(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
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

    @inlinable
    public static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The text without leading and trailing white space (Unicode white space included,
    /// since spreadsheets leave no-break spaces in cells).
    /// Inlinable up to the quick test that nearly every field passes.
    @inlinable
    public static func trimmed(_ text: String) -> String {
        var text = text
        let untouched = text.withUTF8 { bytes -> Bool in
            guard !bytes.isEmpty else { return true }
            return isCertainlyNotWhitespace(firstScalar(bytes)) && isCertainlyNotWhitespace(lastScalar(bytes))
        }
        return untouched ? text : trimmedAfterQuickTest(text)
    }

    @usableFromInline
    static func trimmedAfterQuickTest(_ text: String) -> String {
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

    /// Whether the scalar is in a range without any white space (`Unicode.Scalar.Properties
    /// .isWhitespace`): printable ASCII but the space, and U+00A1–U+1FFF but U+1680 and
    /// U+180E (once a space), which holds every Vietnamese letter. Other scalars may or
    /// may not be white space.
    @inlinable @inline(__always)
    static func isCertainlyNotWhitespace(_ scalar: UInt32) -> Bool {
        (scalar >= 0x21 && scalar <= 0x7E) || (scalar >= 0xA1 && scalar <= 0x1FFF && scalar != 0x1680 && scalar != 0x180E)
    }

    /// The first scalar of valid, non-empty UTF-8.
    @inlinable @inline(__always)
    static func firstScalar(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let lead = UInt32(bytes[0])
        switch lead {
        case 0..<0x80: return lead
        case 0xC0..<0xE0: return (lead & 0x1F) << 6 | UInt32(bytes[1] & 0x3F)
        case 0xE0..<0xF0: return (lead & 0x0F) << 12 | UInt32(bytes[1] & 0x3F) << 6 | UInt32(bytes[2] & 0x3F)
        default:
            return (lead & 0x07) << 18 | UInt32(bytes[1] & 0x3F) << 12 | UInt32(bytes[2] & 0x3F) << 6 | UInt32(bytes[3] & 0x3F)
        }
    }

    /// The last scalar of valid, non-empty UTF-8.
    @inlinable @inline(__always)
    static func lastScalar(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var start = bytes.count - 1
        while start > 0 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return firstScalar(UnsafeBufferPointer(rebasing: bytes[start...]))
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
    public static func foldedForComparison(_ text: String) -> String {
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
    ///
    /// Text made only of ASCII, Latin-1 to Latin Extended-B and IPA letters, combining
    /// diacritical marks (U+0000–U+036F) and Latin Extended Additional (U+1E00–U+1EFF),
    /// which is all Vietnamese text, goes through `UnaccentedLetters`' table; any other
    /// text goes through Foundation's decomposition (`unaccentedByFoundation`), which
    /// costs microseconds per string. Both give the same result (see the tests).
    public static func unaccented(_ text: String) -> String {
        var text = text
        return text.withUTF8 { unaccented(utf8: $0) }
    }

    /// `unaccented` of the text these bytes spell, which must be valid UTF-8.
    public static func unaccented(utf8: UnsafeBufferPointer<UInt8>) -> String {
        guard !utf8.isEmpty else { return "" }
        var complete = true
        let result = String(unsafeUninitializedCapacity: utf8.count) { buffer in
            guard let count = UnaccentedLetters.unaccent(utf8, into: buffer.baseAddress!) else {
                complete = false
                return 0
            }
            return count
        }
        return complete ? result : unaccentedByFoundation(String(decoding: utf8, as: UTF8.self))
    }

    /// `unaccented` through Foundation's canonical decomposition: each scalar of the NFD
    /// form is kept when printable ASCII, dropped when a combining mark, and replaced
    /// otherwise. The reference the table of `UnaccentedLetters` is checked against.
    public static func unaccentedByFoundation(_ text: String) -> String {
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
