/// VNI-Windows, the encoding of the VNI-Times fonts: a vowel is its ASCII letter followed
/// by one mark byte that writes its circumflex or breve and its tone together (a + 0xE1 is
/// ấ, a + 0xE9 is ắ, e + 0xF9 is é); ơ ư đ and the toned i and ỵ are single bytes. An
/// upper-case vowel takes the upper-case mark, 0x20 below the lower-case one (AÙ is Á).
/// The table is Unikey's `vnconv` VNIWIN table, which xvnkb's agrees with; the other
/// bytes are Windows-1252 (0x80–0x9F) and Latin-1, as both converters leave them.
enum VNIWindows {
    /// What a mark byte adds to the vowel before it.
    struct Mark {
        enum Quality { case none, circumflex, breve }
        let quality: Quality
        let tone: VietnameseLetter.Tone
        let isUpperCase: Bool
    }

    /// The lower-case mark bytes by quality, then by `Tone.rawValue` (0: no mark byte).
    private static let markBytes: [Mark.Quality: [UInt8]] = [
        .none: [0, 0xF8, 0xFB, 0xF5, 0xF9, 0xEF],
        .circumflex: [0xE2, 0xE0, 0xE5, 0xE3, 0xE1, 0xE4],
        .breve: [0xEA, 0xE8, 0xFA, 0xFC, 0xE9, 0xEB],
    ]

    /// The mark each byte is, by byte value (nil for the bytes that are not marks).
    private static let marks: [Mark?] = {
        var marks = [Mark?](repeating: nil, count: 256)
        for (quality, bytes) in markBytes {
            for (index, byte) in bytes.enumerated() where byte != 0 {
                let tone = VietnameseLetter.Tone(rawValue: index)!
                marks[Int(byte)] = Mark(quality: quality, tone: tone, isUpperCase: false)
                marks[Int(byte - 0x20)] = Mark(quality: quality, tone: tone, isUpperCase: true)
            }
        }
        return marks
    }()

    /// The letters with a byte of their own (lower case; upper case is 0x20 below).
    private static let singleLetters: [(byte: UInt8, base: Unicode.Scalar, tone: VietnameseLetter.Tone)] = [
        (0xF1, "đ", .none), (0xF4, "ơ", .none), (0xF6, "ư", .none), (0xEC, "i", .grave), (0xE6, "i", .hook),
        (0xF3, "i", .tilde), (0xED, "i", .acute), (0xF2, "i", .dot), (0xEE, "y", .dot),
    ]

    /// The letters a mark byte may follow, with the marks each takes: a, e, o with
    /// circumflex (and a with breve), every tone on a e o ơ u ư, and y with all tones
    /// but the dot (ỵ is a byte of its own).
    private static let vowelBytes: [UInt8: (base: Unicode.Scalar, qualities: [Mark.Quality])] = {
        var vowels: [UInt8: (Unicode.Scalar, [Mark.Quality])] = [
            UInt8(ascii: "a"): ("a", [.none, .circumflex, .breve]), UInt8(ascii: "e"): ("e", [.none, .circumflex]),
            UInt8(ascii: "o"): ("o", [.none, .circumflex]), UInt8(ascii: "u"): ("u", [.none]),
            UInt8(ascii: "y"): ("y", [.none]), 0xF4: ("ơ", [.none]), 0xF6: ("ư", [.none]),
        ]
        for (byte, vowel) in vowels { vowels[byte - 0x20] = vowel }
        return vowels
    }()

    /// The letter a vowel byte and the mark after it make, if the mark fits the vowel.
    private static func letter(vowel byte: UInt8, mark: Mark) -> VietnameseLetter? {
        guard let vowel = vowelBytes[byte], vowel.qualities.contains(mark.quality) else { return nil }
        let isUpperCase = byte < 0x61 || (byte >= 0xC0 && byte < 0xE0)
        guard isUpperCase == mark.isUpperCase, !(vowel.base == "y" && mark.tone == .dot) else { return nil }
        let base: Unicode.Scalar =
            switch (vowel.base, mark.quality) {
            case ("a", .circumflex): "â"
            case ("a", .breve): "ă"
            case ("e", .circumflex): "ê"
            case ("o", .circumflex): "ô"
            default: vowel.base
            }
        return VietnameseLetter(base: base, tone: mark.tone, isUpperCase: isUpperCase)
    }

    /// The scalar of each byte alone: ASCII, Windows-1252 punctuation in 0x80–0x9F, the
    /// single-byte letters, and Latin-1 for the rest (mark bytes included, which have no
    /// meaning alone).
    static let single: [Unicode.Scalar] = {
        var single = (0..<256).map { byte -> Unicode.Scalar in
            guard byte >= 0x80 && byte < 0xA0 else { return Unicode.Scalar(UInt8(byte)) }
            return Unicode.Scalar(Windows1252Punctuation.scalars[byte - 0x80])!
        }
        for entry in singleLetters {
            for isUpperCase in [false, true] {
                let letter = VietnameseLetter(base: entry.base, tone: entry.tone, isUpperCase: isUpperCase)
                single[Int(isUpperCase ? entry.byte - 0x20 : entry.byte)] = letter.scalar!
            }
        }
        return single
    }()

    /// `letter(vowel:mark:)` for every pair of bytes, as a table by `vowel << 8 | mark`:
    /// the scalar, or 0 when the pair is not a letter (decoding looks every byte pair up).
    private static let pairs: [UInt32] = {
        var pairs = [UInt32](repeating: 0, count: 1 << 16)
        for (vowel, _) in vowelBytes {
            for (byte, mark) in marks.enumerated() {
                guard let mark, let scalar = letter(vowel: vowel, mark: mark)?.scalar else { continue }
                pairs[Int(vowel) << 8 | byte] = scalar.value
            }
        }
        return pairs
    }()

    static func decode(_ bytes: UnsafeRawBufferPointer) -> LegacyTextBuilder {
        var text = LegacyTextBuilder(capacity: bytes.count + bytes.count / 2)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if index + 1 < bytes.count, case let pair = pairs[Int(byte) << 8 | Int(bytes[index + 1])], pair != 0 {
                text.append(Unicode.Scalar(pair)!)
                index += 2
                continue
            }
            if marks[Int(byte)] != nil { text.noteIrregularity() }
            text.append(single[Int(byte)])
            index += 1
        }
        return text
    }

    /// Each letter as VNI's keyboard driver writes it; nil for a character VNI lacks.
    static func encode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count * 2)
        for scalar in UnicodeText.nfc(text).unicodeScalars {
            if scalar.isASCII {
                bytes.append(UInt8(truncatingIfNeeded: scalar.value))
            } else if let letterBytes = encoded[scalar.value] {
                bytes.append(contentsOf: letterBytes)
            } else {
                return nil
            }
        }
        return bytes
    }

    /// The bytes of every non-ASCII character VNI has: each Vietnamese letter as the
    /// inverse of `decode` reads it, then the other characters whose byte means them alone
    /// (not a mark, not a letter of VNI's own).
    private static let encoded: [UInt32: [UInt8]] = {
        var encoded: [UInt32: [UInt8]] = [:]
        for byte in UInt8(0x80)...UInt8(0xFF) where marks[Int(byte)] == nil {
            encoded[single[Int(byte)].value] = [byte]
        }
        for (vowel, _) in vowelBytes {
            for (byte, mark) in marks.enumerated() {
                guard let mark, let letter = letter(vowel: vowel, mark: mark), let scalar = letter.scalar else { continue }
                encoded[scalar.value] = [vowel, UInt8(byte)]
            }
        }
        return encoded
    }()
}
