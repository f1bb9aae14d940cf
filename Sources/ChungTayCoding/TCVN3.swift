/// TCVN3 "ABC" (TCVN 5712:1993 VN3), the font encoding of the .VnTime fonts: every
/// lower-case toned letter and Ă Â Ê Ô Ơ Ư Đ ă â ê ô ơ ư đ have a byte of their own in
/// 0xA1–0xFE; the upper-case toned letters are not in VN3 (its users switch to the
/// upper-case .VnTimeH font, whose glyphs sit on the lower-case bytes).
///
/// Decoding reads 0xA0–0xFF as TCVN 5712 VN1 does (the full table, glibc's `TCVN5712-1`),
/// of which VN3 is the part offices' fonts have: the 16 upper-case toned letters VN1 puts
/// in VN3's unassigned bytes and its combining tone marks (0xB0–0xB4) decode too, since
/// some converters write them. Bytes 0x80–0x9F are Windows-1252 punctuation, as Unikey's
/// converter and Excel on a Western Windows leave them. Encoding writes VN3 only.
/// The VN3 bytes agree with Unikey's `vnconv` table and xvnkb's.
enum TCVN3 {
    /// The scalars of bytes 0x80–0xFF.
    static let upperHalf: [UInt16] = Windows1252Punctuation.scalars + [
        0x00A0, 0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110,  // 0xA0
        0x0103, 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0, 0x0111, 0x1EB0,  // 0xA8
        0x0300, 0x0309, 0x0303, 0x0301, 0x0323, 0x00E0, 0x1EA3, 0x00E3,  // 0xB0
        0x00E1, 0x1EA1, 0x1EB2, 0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0x1EB4,  // 0xB8
        0x1EAE, 0x1EA6, 0x1EA8, 0x1EAA, 0x1EA4, 0x1EC0, 0x1EB7, 0x1EA7,  // 0xC0
        0x1EA9, 0x1EAB, 0x1EA5, 0x1EAD, 0x00E8, 0x1EC2, 0x1EBB, 0x1EBD,  // 0xC8
        0x00E9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC,  // 0xD0
        0x1EC9, 0x1EC4, 0x1EBE, 0x1ED2, 0x0129, 0x00ED, 0x1ECB, 0x00F2,  // 0xD8
        0x1ED4, 0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7,  // 0xE0
        0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9,  // 0xE8
        0x1ED6, 0x1EE7, 0x0169, 0x00FA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF,  // 0xF0
        0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5, 0x1ED0,  // 0xF8
    ]

    /// Whether a byte of 0xA0–0xFF is one VN3 assigns (not a VN1-only letter or mark).
    static func isVN3(_ byte: UInt8) -> Bool {
        switch byte {
        case 0xA0...0xAE, 0xB5...0xB9, 0xBB...0xBE, 0xC6...0xCC, 0xCE...0xD8, 0xDC...0xDF, 0xE1...0xEF, 0xF1...0xFE: true
        default: false
        }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> LegacyTextBuilder {
        var text = LegacyTextBuilder(capacity: bytes.count * 2)
        for byte in bytes {
            if byte < 0x80 {
                text.append(Unicode.Scalar(byte))
            } else if byte >= 0xB0 && byte <= 0xB4 {
                text.appendTone(toneOfMark[Int(byte - 0xB0)])
            } else {
                text.append(Unicode.Scalar(upperHalf[Int(byte) - 0x80])!)
            }
        }
        return text
    }

    /// VN3's byte for each character; nil when a character has none (every upper-case
    /// toned letter among them).
    static func encode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in UnicodeText.nfc(text).unicodeScalars {
            if scalar.isASCII {
                bytes.append(UInt8(truncatingIfNeeded: scalar.value))
            } else if let byte = byteOf[scalar.value] {
                bytes.append(byte)
            } else {
                return nil
            }
        }
        return bytes
    }

    /// VN1's combining marks at 0xB0–0xB4: grave, hook, tilde, acute, dot below.
    private static let toneOfMark: [VietnameseLetter.Tone] = [.grave, .hook, .tilde, .acute, .dot]

    private static let byteOf: [UInt32: UInt8] = Dictionary(
        uniqueKeysWithValues: upperHalf.enumerated().compactMap { offset, scalar in
            let byte = UInt8(0x80 + offset)
            return byte < 0xA0 || isVN3(byte) ? (UInt32(scalar), byte) : nil
        })
}
