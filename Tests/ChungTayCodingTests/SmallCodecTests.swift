import ChungTayCoding
import Testing

@Suite struct SmallCodecTests {
    /// The published FNV-1a 64-bit test vectors; stored indexes depend on them.
    @Test func fnv1aGivesTheReferenceValues() {
        #expect(FNV1a.hash([UInt8]()) == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash("foobar".utf8) == 0x8594_4171_f739_67e8)
        var parts = FNV1a()
        parts.add("foo".utf8)
        parts.add(UInt8(ascii: "b"))
        parts.add("ar".utf8)
        #expect(parts.value == FNV1a.hash("foobar".utf8))
    }

    @Test(arguments: [
        ("", ""), ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("cr\r", "\"cr\r\""), ("Nguyễn; Trần", "Nguyễn; Trần"),
    ])
    func csvCellsAreQuotedOnlyWhenTheyMustBe(_ text: String, _ cell: String) {
        var bytes: [UInt8] = []
        CSVCell.append(text, to: &bytes)
        #expect(bytes == Array(cell.utf8))
    }

    @Test func quotedStringsAreWhatTheWriterWrites() {
        for text in ["", "a", "a\"b\\c\n\u{01}", "Tánh Linh", String(repeating: "x", count: 40) + "\t"] {
            var writer = JSONWriter(capacity: 8)
            writer.string(text)
            let written = writer.finish()
            var appended: [UInt8] = [UInt8(ascii: "[")]
            JSONWriter.appendQuoted(text, to: &appended)
            #expect(appended == [UInt8(ascii: "[")] + written)
            #expect(JSONWriter.quoted(text) == String(decoding: appended.dropFirst(), as: UTF8.self))
        }
    }
}
