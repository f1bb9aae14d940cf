@testable import ChungTayCoding
import Foundation
import Testing

/// The table-driven `UnicodeText.unaccented` must give exactly what the Foundation
/// decomposition gives (`unaccentedByFoundation`), for every scalar the table covers, in
/// NFC and NFD, alone and inside other text, and for text the table hands to Foundation.
@Suite struct UnaccentedTests {
    /// U+0000–U+036F (ASCII to combining diacritical marks, the table's first part and
    /// beyond U+024F) and U+1E00–U+1EFF (Latin Extended Additional).
    static let tableScalars: [Unicode.Scalar] =
        (0x0000...0x036F).compactMap(Unicode.Scalar.init) + (0x1E00...0x1EFF).compactMap(Unicode.Scalar.init)

    static func expectSame(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let fast = UnicodeText.unaccented(text)
        let reference = UnicodeText.unaccentedByFoundation(text)
        #expect(
            fast == reference && Array(fast.utf8) == Array(reference.utf8),
            "\(text.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) })",
            sourceLocation: sourceLocation
        )
    }

    @Test func everyTableScalarAloneMatchesFoundation() {
        for scalar in Self.tableScalars {
            Self.expectSame(String(scalar))
        }
    }

    @Test func everyTableScalarInNFDMatchesFoundation() {
        for scalar in Self.tableScalars {
            let decomposed = String(scalar).decomposedStringWithCanonicalMapping
            Self.expectSame(decomposed)
            // Precomposed again, in case the scalar was not NFC to begin with.
            Self.expectSame(decomposed.precomposedStringWithCanonicalMapping)
        }
    }

    @Test func everyTableScalarInContextMatchesFoundation() {
        for scalar in Self.tableScalars {
            let text = String(scalar)
            Self.expectSame("Ab" + text + "c\u{0301}d")
            Self.expectSame(text + "\u{0323}\u{0302}" + text)
            Self.expectSame("\u{0301}" + text + " \t\n" + text.decomposedStringWithCanonicalMapping)
        }
    }

    @Test func allUpperTableEntriesAreSingleASCIIBytesOrNothing() {
        for scalar in Self.tableScalars where scalar.value >= 0x80 {
            let result = UnicodeText.unaccented(String(scalar))
            #expect(result.utf8.count <= 1)
            #expect(result.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
        }
    }

    @Test func textOutsideTheTableGoesThroughFoundation() {
        let samples = [
            "Nguyễn 한국 名前 😀", "Ω ℃ Å ﬁ ; Ǆ", "Đặng Thị Ánh Tuyết\u{2003}", "\u{3000}full width\u{3000}", "ǅ ǈ ǋ",
            "\u{1F600}", "Ελληνικά", "Русский", "עברית", "ไทย", "Tiếng Việt ✓", "\u{0370}\u{037E}\u{0385}", "\u{1F00}",
            "e\u{20DD}", "\u{FFFD}",
        ]
        for text in samples {
            Self.expectSame(text)
            Self.expectSame(text.decomposedStringWithCanonicalMapping)
        }
    }

    @Test func vietnameseNamesInBothForms() {
        let names = [
            "Nguyễn Văn An", "Trần Thị Bình", "K'Điểu", "Lê Văn Cường", "Phạm Thị Dung", "Ma Thị Hoa", "Huỳnh Đức Dũng",
            "Xã Lạc Tánh", "Bắc Ruộng", "Đồng Kho", "Suối Kiết", "Nghị Đức", "ƯỚC ƠN Ỹ ỹ Ỵ", "thôn 3, xã Đức Phú",
        ]
        for name in names {
            Self.expectSame(name)
            Self.expectSame(name.decomposedStringWithCanonicalMapping)
            Self.expectSame(name.uppercased())
        }
        #expect(UnicodeText.unaccented("Nguyễn Văn Đức") == "Nguyen Van Duc")
        #expect(UnicodeText.unaccented("Tab\tLine\r\nEnd\u{7F}") == "Tab Line  End?")
    }

    @Test func randomMixturesMatchFoundation() {
        // Table scalars, combining marks, white space and a few scalars outside the table.
        let pool: [Unicode.Scalar] =
            Self.tableScalars + ["\u{0301}", "\u{0323}", "\u{0309}", "\u{1F600}", "\u{D55C}", "\u{2126}", "\u{212B}", "\u{4E00}"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<3_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<(1 + next(24)) { text.append(pool[next(pool.count)]) }
            let string = String(text)
            Self.expectSame(string)
            Self.expectSame(string.decomposedStringWithCanonicalMapping)
            Self.expectSame(string.precomposedStringWithCanonicalMapping)
        }
    }

    @Test func emptyText() {
        #expect(UnicodeText.unaccented("") == "")
    }
}
