/// Strict UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above
/// U+10FFFF). The standard library's validating initialiser is generic and was the
/// single largest cost of reading a payload; text is almost always ASCII, which this
/// checks eight bytes at a time.
public enum UTF8Validation {
    public enum Outcome {
        /// Valid and all ASCII, hence also NFC.
        case ascii
        case unicode
        case invalid
    }

    public static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        let count = bytes.count
        var index = 0
        guard let base = bytes.baseAddress else { return .ascii }
        while index + 8 <= count {
            if ByteWord.load(base, at: index) & ByteWord.highBits != 0 { break }
            index += 8
        }
        var outcome = Outcome.ascii
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
}
