@testable import ChungTayCoding
import Foundation
import Testing

/// The three legacy encodings: every Vietnamese letter with every tone, in both cases,
/// round-trips through each encoding that has it; known words give the bytes two
/// independent converters (Unikey's vnconv, xvnkb) and Windows' code page give; decoding
/// is total and yields NFC.
@Suite struct LegacyEncodingTests {
    static func decode(_ bytes: [UInt8], _ encoding: LegacyEncoding) -> String {
        bytes.withUnsafeBytes { encoding.decode($0) }
    }

    /// Every vowel with each tone and none, upper and lower case, and đ Đ.
    static let letters: [VietnameseLetter] = VietnameseLetter.all.map(\.letter).filter { $0.isVowel || $0.base == "đ" }

    @Test func theModelHasEveryVietnameseLetter() {
        // 12 vowels × 6 tones × 2 cases, and đ Đ.
        #expect(Self.letters.count == 12 * 6 * 2 + 2)
        #expect(Set(Self.letters.compactMap(\.scalar)).count == Self.letters.count)
    }

    @Test(arguments: LegacyEncoding.allCases)
    func everyLetterRoundTrips(_ encoding: LegacyEncoding) throws {
        for letter in Self.letters {
            let text = String(letter.scalar!)
            let lacking = encoding == .tcvn3 && letter.isUpperCase && letter.tone != .none
            guard let bytes = encoding.encode(text) else {
                #expect(lacking, "\(encoding): no bytes for \(text)")
                continue
            }
            #expect(!lacking, "\(encoding) encodes \(text), which VN3 lacks")
            #expect(Self.decode(bytes, encoding) == text, "\(encoding): \(text) → \(bytes) → \(Self.decode(bytes, encoding))")
            // Inside a word, after a consonant and before one, too.
            let word = "Ng" + text + "n"
            #expect(encoding.encode(word).map { Self.decode($0, encoding) } == word)
        }
    }

    @Test(arguments: LegacyEncoding.allCases)
    func sentencesRoundTrip(_ encoding: LegacyEncoding) {
        let text = "Nguyễn Thị Hương, thôn 4, xã Đức Phú; Trương Văn Đạt: 4.965.000 đồng – “hộ nghèo”\r\n"
        let bytes = encoding.encode(text)
        #expect(bytes.map { Self.decode($0, encoding) } == text)
        // NFD input is encoded as its NFC form.
        #expect(encoding.encode(text.decomposedStringWithCanonicalMapping) == bytes)
    }

    /// Bytes from the published tables: Windows-1258 (CP1258.TXT; letters it lacks as vowel and
    /// tone mark), TCVN3 and VNI as Unikey's vnconv and xvnkb write them.
    @Test(arguments: [
        (LegacyEncoding.windows1258, "Việt Nam", [0x56, 0x69, 0xEA, 0xF2, 0x74, 0x20, 0x4E, 0x61, 0x6D]),
        (.windows1258, "Đức", [0xD0, 0xFD, 0xEC, 0x63]),
        (.windows1258, "Hoàng Lý", [0x48, 0x6F, 0xE0, 0x6E, 0x67, 0x20, 0x4C, 0x79, 0xEC]),
        (.windows1258, "Ẫ₫", [0xC2, 0xDE, 0xFE]),
        (.tcvn3, "Nguyễn Văn Đức", [0x4E, 0x67, 0x75, 0x79, 0xD4, 0x6E, 0x20, 0x56, 0xA8, 0x6E, 0x20, 0xA7, 0xF8, 0x63]),
        (.tcvn3, "Trần Thị Hương", [0x54, 0x72, 0xC7, 0x6E, 0x20, 0x54, 0x68, 0xDE, 0x20, 0x48, 0xAD, 0xAC, 0x6E, 0x67]),
        (.tcvn3, "ỵĂÂÊÔƠƯ", [0xFE, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6]),
        (.vni, "Nguyễn Việt", [0x4E, 0x67, 0x75, 0x79, 0x65, 0xE3, 0x6E, 0x20, 0x56, 0x69, 0x65, 0xE4, 0x74]),
        (.vni, "Đặng Thị Dương", [0xD1, 0x61, 0xEB, 0x6E, 0x67, 0x20, 0x54, 0x68, 0xF2, 0x20, 0x44, 0xF6, 0xF4, 0x6E, 0x67]),
        (.vni, "VIỆT ỸỴ ô", [0x56, 0x49, 0x45, 0xC4, 0x54, 0x20, 0x59, 0xD5, 0xCE, 0x20, 0x6F, 0xE2]),
    ] as [(LegacyEncoding, String, [UInt8])])
    func publishedBytes(_ encoding: LegacyEncoding, _ text: String, _ bytes: [UInt8]) {
        #expect(encoding.encode(text) == bytes)
        #expect(Self.decode(bytes, encoding) == text)
    }

    @Test(arguments: LegacyEncoding.allCases)
    func everyByteDecodes(_ encoding: LegacyEncoding) {
        for byte in UInt8.min...UInt8.max {
            let text = Self.decode([byte], encoding)
            #expect(text.unicodeScalars.count == 1, "\(encoding): byte \(byte) gives \(text.unicodeScalars.count) scalars")
            if byte < 0x80 { #expect(text.unicodeScalars.first?.value == UInt32(byte)) }
        }
    }

    @Test(arguments: LegacyEncoding.allCases)
    func anyBytesDecodeToNFC(_ encoding: LegacyEncoding) {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: .min ... .max, using: &random) }
            let text = Self.decode(bytes, encoding)
            #expect(text == text.precomposedStringWithCanonicalMapping)
            #expect(Array(text.utf8) == Array(text.precomposedStringWithCanonicalMapping.utf8))
        }
    }

    @Test func windows1258AcceptsToneMarksEitherWay() {
        // "á" as its own byte and as a + acute; a tone mark after a consonant stays combining (NFC: ń).
        #expect(Self.decode([0xE1], .windows1258) == "á")
        #expect(Self.decode([0x61, 0xEC], .windows1258) == "á")
        #expect(Self.decode([0x6E, 0xEC], .windows1258) == "ń")
        // Two marks on one vowel: Unicode's canonical order (dot below first), composed.
        #expect(Self.decode([0x61, 0xEC, 0xF2], .windows1258) == "a\u{301}\u{323}".precomposedStringWithCanonicalMapping)
    }

    @Test func tcvn3ReadsVN1Extras() {
        // VN1's upper-case toned letters in VN3's unassigned bytes, and its combining marks.
        #expect(Self.decode([0xC4, 0xDA, 0xFF], .tcvn3) == "ẤẾỐ")
        #expect(Self.decode([0x41, 0xB3], .tcvn3) == "Á")
        #expect(LegacyEncoding.tcvn3.encode("Ấ") == nil)
        // Windows-1252 punctuation in 0x80–0x9F.
        #expect(Self.decode([0x93, 0x96, 0x94], .tcvn3) == "“–”")
    }

    @Test func vniMarksNeedTheirVowel() {
        // A mark after a consonant, or of the other case, reads as its Latin-1 character.
        #expect(Self.decode([0x6E, 0xF9], .vni) == "nù")
        #expect(Self.decode([0x41, 0xF9], .vni) == "Aù")
        #expect(Self.decode([0x79, 0xEF], .vni) == "yï")
        #expect(Self.decode([0xF9], .vni) == "ù")
    }

    @Test(arguments: LegacyEncoding.allCases)
    func charactersAnEncodingLacksGiveNil(_ encoding: LegacyEncoding) {
        #expect(encoding.encode("Nguyễn 阮") == nil)
        #expect(encoding.encode("😀") == nil)
        #expect(encoding.encode("") == [])
    }

    @Test func displayNamesAndRawValues() {
        #expect(LegacyEncoding.allCases.map(\.displayName) == ["Windows-1258", "TCVN3 (ABC)", "VNI"])
        #expect(LegacyEncoding.allCases.map(\.rawValue) == ["windows-1258", "tcvn3", "vni"])
    }
}
