import ChungTayCoding

/// Text from XML bytes as workbooks mean it.
enum XMLText {
    /// The bytes as a string; invalid UTF-8 (which a tokenizer for UTF-8 parts lets
    /// through in text) becomes U+FFFD, as in attribute values nothing depends on it.
    static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Why bytes are not cell text.
    enum Problem: Error {
        case notUTF8
        /// More than `maximumNonStarters` combining marks in a row (see `isStreamSafe`).
        case combiningMarks
    }

    /// Cell text: valid UTF-8 required, OOXML's `_xHHHH_` escapes decoded (ECMA-376
    /// §22.9.2.19 ST_Xstring: how Excel writes characters XML cannot hold, such as a
    /// carriage return `_x000D_`), stream-safe, in NFC.
    static func cellText(_ bytes: UnsafeRawBufferPointer) throws(Problem) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        let unescaped = bytes.contains(UInt8(ascii: "_")) ? unescapeXstring(text) : text
        guard isStreamSafe(unescaped) else { throw .combiningMarks }
        return UnicodeText.nfc(unescaped)
    }

    /// UAX #15's Stream-Safe Text Format bound: at most 30 non-starters in a row.
    static let maximumNonStarters = 30

    /// Whether no run of non-starters (combining marks: canonical combining class other
    /// than 0) is longer than `maximumNonStarters`. Normalising (Foundation's NFC) and
    /// hashing or comparing a Swift `String` sort each such run, in time quadratic in its
    /// length: one 32,767-mark cell costs a second, a 1 MiB attribute minutes. Real text
    /// has a few marks per letter (Vietnamese at most two). The three Tibetan vowel signs
    /// of class 0 that decompose into two non-starters count as two.
    static func isStreamSafe(_ text: String) -> Bool {
        var text = text
        if text.withUTF8({ UnicodeText.isProvablyNFC($0) }) { return true }
        var run = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case ..<0x300:
                run = 0
                continue
            case 0x0F73, 0x0F75, 0x0F81:
                run += 2
            default:
                guard scalar.properties.canonicalCombiningClass != .notReordered else {
                    run = 0
                    continue
                }
                run += 1
            }
            if run > maximumNonStarters { return false }
        }
        return true
    }

    /// Replaces each `_xHHHH_` with its UTF-16 code unit (a high and a low surrogate escape
    /// in a row make one character); an escape of a lone surrogate or of U+0000 stays as written.
    static func unescapeXstring(_ text: String) -> String {
        let units = Array(text.utf16)
        var result: [UInt16] = []
        result.reserveCapacity(units.count)
        var index = 0
        func escape(at position: Int) -> UInt16? {
            guard position + 7 <= units.count, units[position] == 0x5F, units[position + 1] == 0x78,
                units[position + 6] == 0x5F
            else { return nil }
            var value: UInt16 = 0
            for offset in 2..<6 {
                let unit = units[position + offset]
                let digit: UInt16
                switch unit {
                case 0x30...0x39: digit = unit - 0x30
                case 0x41...0x46: digit = unit - 0x41 + 10
                case 0x61...0x66: digit = unit - 0x61 + 10
                default: return nil
                }
                value = value << 4 | digit
            }
            return value
        }
        while index < units.count {
            if let value = escape(at: index) {
                if UTF16.isLeadSurrogate(value), let low = escape(at: index + 7), UTF16.isTrailSurrogate(low) {
                    result.append(value)
                    result.append(low)
                    index += 14
                    continue
                }
                if value != 0 && !UTF16.isLeadSurrogate(value) && !UTF16.isTrailSurrogate(value) {
                    result.append(value)
                    index += 7
                    continue
                }
            }
            result.append(units[index])
            index += 1
        }
        return String(decoding: result, as: UTF16.self)
    }
}
