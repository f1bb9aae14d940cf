/// Windows-1258, Windows' Vietnamese code page: Latin-1 with ă â đ ê ô ơ ư and the five
/// tone marks as separate combining characters (0xCC grave, 0xD2 hook, 0xDE tilde, 0xEC
/// acute, 0xF2 dot below), which follow their vowel. The table is the Unicode
/// consortium's CP1258.TXT (as Python's `cp1258` codec has it); the nine bytes it leaves
/// unassigned (0x81, 0x8A, 0x8D–0x90, 0x9A, 0x9D, 0x9E) decode as the C1 controls of the
/// same value, as Windows' own converter does.
enum Windows1258 {
    /// The scalars of bytes 0x80–0xFF.
    static let upperHalf: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 0x80
        0x02C6, 0x2030, 0x008A, 0x2039, 0x0152, 0x008D, 0x008E, 0x008F,  // 0x88
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 0x90
        0x02DC, 0x2122, 0x009A, 0x203A, 0x0153, 0x009D, 0x009E, 0x0178,  // 0x98
        0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7,  // 0xA0
        0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,  // 0xA8
        0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7,  // 0xB0
        0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF,  // 0xB8
        0x00C0, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x00C5, 0x00C6, 0x00C7,  // 0xC0
        0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x0300, 0x00CD, 0x00CE, 0x00CF,  // 0xC8
        0x0110, 0x00D1, 0x0309, 0x00D3, 0x00D4, 0x01A0, 0x00D6, 0x00D7,  // 0xD0
        0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x01AF, 0x0303, 0x00DF,  // 0xD8
        0x00E0, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x00E5, 0x00E6, 0x00E7,  // 0xE0
        0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x0301, 0x00ED, 0x00EE, 0x00EF,  // 0xE8
        0x0111, 0x00F1, 0x0323, 0x00F3, 0x00F4, 0x01A1, 0x00F6, 0x00F7,  // 0xF0
        0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x01B0, 0x20AB, 0x00FF,  // 0xF8
    ]

    /// The tone a byte writes, if it is one of the five combining tone marks.
    static func tone(ofByte byte: UInt8) -> VietnameseLetter.Tone? {
        switch byte {
        case 0xCC: .grave
        case 0xD2: .hook
        case 0xDE: .tilde
        case 0xEC: .acute
        case 0xF2: .dot
        default: nil
        }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> LegacyTextBuilder {
        var text = LegacyTextBuilder(capacity: bytes.count + bytes.count / 2)
        for byte in bytes {
            if byte < 0x80 {
                text.append(Unicode.Scalar(byte))
            } else if let tone = tone(ofByte: byte) {
                text.appendTone(tone)
            } else {
                text.append(Unicode.Scalar(upperHalf[Int(byte) - 0x80])!)
            }
        }
        return text
    }

    /// Each character as Windows' converter writes it: its own byte when the code page has
    /// one (á is 0xE1), else the letter without its tone followed by the tone mark (ạ is
    /// a 0xF2, ế is ê 0xEC). Nil for a character that neither gives.
    static func encode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in UnicodeText.nfc(text).unicodeScalars {
            if scalar.isASCII {
                bytes.append(UInt8(truncatingIfNeeded: scalar.value))
            } else if let byte = byteOf[scalar.value] {
                bytes.append(byte)
            } else if let letter = VietnameseLetter(scalar), letter.tone != .none,
                let toneless = letter.with(tone: .none)?.scalar, let base = singleByte(toneless)
            {
                bytes.append(base)
                bytes.append(toneByte[letter.tone.rawValue])
            } else {
                return nil
            }
        }
        return bytes
    }

    private static func singleByte(_ scalar: Unicode.Scalar) -> UInt8? {
        scalar.isASCII ? UInt8(truncatingIfNeeded: scalar.value) : byteOf[scalar.value]
    }

    /// The byte of each tone mark, by `Tone.rawValue` (none has no byte).
    private static let toneByte: [UInt8] = [0, 0xCC, 0xD2, 0xDE, 0xEC, 0xF2]

    private static let byteOf: [UInt32: UInt8] = Dictionary(
        uniqueKeysWithValues: upperHalf.enumerated().map { (UInt32($0.element), UInt8(0x80 + $0.offset)) })
}
