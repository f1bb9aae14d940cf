import ChungTayCoding

/// Text from XML bytes as workbooks mean it.
enum XMLText {
    /// The bytes as a string; invalid UTF-8 (which a tokenizer for UTF-8 parts lets
    /// through in text) becomes U+FFFD, as in attribute values nothing depends on it.
    static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Cell text: valid UTF-8 required, OOXML's `_xHHHH_` escapes decoded (ECMA-376
    /// §22.9.2.19 ST_Xstring: how Excel writes characters XML cannot hold, such as a
    /// carriage return `_x000D_`), in NFC. Nil for invalid UTF-8.
    static func cellText(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let unescaped = bytes.contains(UInt8(ascii: "_")) ? unescapeXstring(text) : text
        return UnicodeText.nfc(unescaped)
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
