import Foundation
import ChungTayRules

/// Text helpers with the same semantics as ChungTayRules' internal `UnicodeText` and
/// `UTF8Validation` (which that module does not export): keys are compared the way the
/// record checks read them, trimmed and in NFC.
enum Text {
    enum UTF8Outcome {
        /// Valid and all ASCII, hence also NFC.
        case ascii
        case unicode
        case invalid
    }

    /// Strict UTF-8 validation (RFC 3629), eight ASCII bytes at a time.
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> UTF8Outcome {
        let count = bytes.count
        var index = 0
        guard let base = bytes.baseAddress else { return .ascii }
        while index + 8 <= count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        var outcome = UTF8Outcome.ascii
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            outcome = .unicode
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return .invalid
            }
            guard index + length <= count else { return .invalid }
            let second = bytes[index + 1]
            guard second >= lower && second <= upper else { return .invalid }
            for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 {
                return .invalid
            }
            index += length
        }
        return outcome
    }

    /// Whether valid UTF-8 is NFC for certain: ASCII, Latin-1 to Latin Extended-B and the
    /// precomposed Vietnamese letters U+1E00–U+1EFF, none of which combine.
    static func isProvablyNFC(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
            } else if byte >= 0xC2 && byte <= 0xCB {
                index += 2
            } else if byte == 0xE1 && index + 1 < count && bytes[index + 1] >= 0xB8 && bytes[index + 1] <= 0xBB {
                index += 3
            } else {
                return false
            }
        }
        return true
    }

    /// The text in NFC; text that is provably NFC already (ASCII, Latin-1 to Latin
    /// Extended-B, precomposed Vietnamese U+1E00–U+1EFF) is returned as it is.
    static func nfc(_ text: String) -> String {
        var text = text
        let alreadyNFC = text.withUTF8 { isProvablyNFC($0) }
        return alreadyNFC ? text : text.precomposedStringWithCanonicalMapping
    }

    static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The text without leading and trailing (Unicode) white space.
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.first else { return text }
        let last = utf8[utf8.index(before: utf8.endIndex)]
        let mayStart = first < 0x80 ? isASCIIWhitespace(first) : (first == 0xC2 || first == 0xE1 || first == 0xE2 || first == 0xE3)
        let mayEnd = last < 0x80 ? isASCIIWhitespace(last) : (text.unicodeScalars.last?.properties.isWhitespace ?? false)
        if !mayStart && !mayEnd { return text }
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }

    /// A key as the record checks read a text field: a string, trimmed, in NFC, not
    /// empty. Anything else (absent, null, a number…) is no key.
    static func key(_ value: JSONValue?) -> String? {
        guard case .some(.string(let raw)) = value else { return nil }
        let trimmed = trimmed(nfc(raw))
        return trimmed.isEmpty ? nil : trimmed
    }
}
