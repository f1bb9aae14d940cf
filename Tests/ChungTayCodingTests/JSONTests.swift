import ChungTayCoding
import Foundation
import Testing

@Suite("JSON reader and writer: strict input, exact numbers, NFC text, one-line output")
struct JSONTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONValue(parsing: Array(text.utf8))
    }

    @Test(arguments: [
        "", "{", "{\"a\":1,}", "[1,]", "01", "1.", ".5", "+1", "NaN", "{'a':1}", "{\"a\" 1}", "tru", "[1] 2",
        "\"tab\there\"", "\"\\x\"", "\"\\ud800\"", "{\"a\":1}}",
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: [0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: [0x22, 0xED, 0xA0, 0x80, 0x22]) }
    }

    @Test func refusesNestingDeeperThanTheLimit() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONSyntaxError.self) { try parse(deep) }
    }

    @Test func keepsNumbersExact() throws {
        #expect(try parse("6.60") == .number(DecimalNumber(units: 66, scale: 1)!))
        #expect(try parse("1e3") == .number(DecimalNumber(1000)))
        #expect(try parse("-0.5") == .number(DecimalNumber(units: -5, scale: 1)!))
        #expect(try parse("2.0") == .number(DecimalNumber(2)))
        guard case .unrepresentableNumber = try parse("123456789012345678901234567890") else {
            Issue.record("a 30-digit number must not be silently rounded")
            return
        }
    }

    /// Written and read again, a number the reader could not hold exactly stays the same
    /// unrepresentable number. Its shortest spelling read back as an exact, other number
    /// (the json-reader fuzz target found `5e-0687` coming back as `0.0`), so a batch
    /// stage could hand the next one other values than it was given.
    @Test(arguments: ["5e-0687", "-1e-400", "0.1234567890123456789", "123456789012345678901234567890", "1e400", "-1e400", "1e-19"])
    func writesUnrepresentableNumbersSoTheyReadBackTheSame(_ token: String) throws {
        let value = try parse(token)
        guard case .unrepresentableNumber = value else {
            Issue.record("\(token) should be unrepresentable")
            return
        }
        var writer = JSONWriter(capacity: 64)
        writer.value(value)
        #expect(try JSONValue(parsing: writer.finish()) == value)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try parse(#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\né😀"))
    }

    @Test func normalisesStringsToNFC() throws {
        let decomposed = "Nguye\u{0302}\u{0303}n"
        guard case .string(let text) = try parse("\"\(decomposed)\"") else {
            Issue.record("expected a string")
            return
        }
        #expect(Array(text.unicodeScalars) == Array("Nguyễn".unicodeScalars))
    }

    @Test func keepsMemberOrderAndLetARepeatedKeyOverride() throws {
        let value = try parse(#"{"b":1,"a":2,"b":3}"#)
        let object = try #require(value.objectValue)
        #expect(object.members.map(\.key) == ["b", "a", "b"])
        #expect(object["b"] == .number(DecimalNumber(3)))
    }

    @Test func writesOneLineWithControlCharactersEscaped() throws {
        var writer = JSONWriter()
        writer.value(["headName": "Line one\nLine \"two\"\t\u{1}"])
        let bytes = writer.finish()
        #expect(!bytes.contains(0x0A))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["headName"] as? String == "Line one\nLine \"two\"\t\u{1}")
    }

    /// The writer copies text eight bytes at a time and escapes only when a word holds a
    /// byte that needs it: every length around the word size, with each kind of such byte
    /// (and bytes that do not need it, as neighbours) at every position, must come out as
    /// escaping byte by byte writes it.
    @Test func escapesAsByteByByteAtEveryLengthAndPosition() {
        let filler = Array("Nguyen Van A, thon 3".utf8)
        let specials: [UInt8] = [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, UInt8(ascii: "\""), UInt8(ascii: "\\")]
        let harmless: [UInt8] = [0x20, 0x7F, UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "]")]
        for length in 0...40 {
            let text = (0..<length).map { filler[$0 % filler.count] }
            var cases = [text]
            for position in 0..<length {
                for byte in specials + harmless {
                    var changed = text
                    changed[position] = byte
                    cases.append(changed)
                }
                // Bytes above 0x7F (here "ễ") need no escape either.
                cases.append(Array(text[..<position]) + Array("ễ".utf8) + Array(text[(position + 1)...]))
            }
            for utf8 in cases {
                var writer = JSONWriter(capacity: 0)
                utf8.withUnsafeBufferPointer { writer.string(utf8: $0) }
                let written = writer.finish()
                #expect(written == FastPathTests.referenceQuoted(String(decoding: utf8, as: UTF8.self)), "\(utf8)")
            }
        }
    }
}
