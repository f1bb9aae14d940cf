import ChungTayCoding
import Testing

/// The syntax check and the reader are one grammar: what one takes the other takes,
/// but for what only a reader must refuse (a lone surrogate escape, nesting past the
/// reader's depth).
@Suite struct JSONSyntaxTests {
    static let texts: [String] = [
        "{}", "[]", " {\"a\" : [1, -0.5e+3, 2E-2, true, false, null, \"\\u00e9\\n\"] } ", "0", "-12", "\"x\"", "[[[]]]",
        "\"Tánh Linh\"", "1e400", "123456789012345678901234567890", "-0", "0.0", "\"\\/\\b\\f\"",
        #"{"ok":true,}"#, "[1,]", "[1 2]", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "1e", "-", "+1", "tru", "nul",
        #""\x""#, #""\u12G4""#, "\"a\u{0001}\"", "\"open", "{}}", "[]]", "NaN", "", " ", "{} {}", "'a'", "[-]", "[1e+]",
        "0-1", "[0x1]", "1E5", "[\"\\uD83D\\uDE00\"]", "{\"a\":{\"b\":[1,{\"c\":null}]}}", "\u{FEFF}{}", "[1]\n",
    ]

    @Test(arguments: texts)
    func agreesWithTheReader(_ text: String) {
        let bytes = Array(text.utf8)
        let read = (try? JSONValue(parsing: bytes)) != nil
        #expect(JSONSyntax.isValid(bytes) == read, "\(text.debugDescription)")
    }

    @Test func takesWhatOnlyAReaderRefuses() {
        #expect(JSONSyntax.isValid(Array(#""\ud800""#.utf8)))
        #expect((try? JSONValue(parsing: Array(#""\ud800""#.utf8))) == nil)
        let deep = Array(repeating: UInt8(ascii: "["), count: JSONSyntax.maximumDepth)
            + Array(repeating: UInt8(ascii: "]"), count: JSONSyntax.maximumDepth)
        #expect(JSONSyntax.isValid(deep))
        #expect(!JSONSyntax.isValid([UInt8(ascii: "[")] + deep + [UInt8(ascii: "]")]))
    }

    @Test func refusesInvalidUTF8AnywhereInTheText() {
        #expect(!JSONSyntax.isValid([0x22, 0xC3, 0x28, 0x22]))
        #expect(!JSONSyntax.isValid([0x22, 0xED, 0xA0, 0x80, 0x22]))
        #expect(!JSONSyntax.isValid([0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00]))
    }
}
