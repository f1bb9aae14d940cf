import Testing
@testable import ChungTayWire

/// Length-prefixed strings: ASCII takes a shortcut past the UTF-8 check, so both paths are
/// held to the same answers.
@Suite struct ByteReaderTests {
    private func read(_ text: [UInt8]) throws(WireError) -> String {
        var reader = ByteReader([UInt8(text.count)] + text, context: "test")
        let string = try reader.readString(lengthAs: UInt8.self, field: "name")
        try reader.expectEnd()
        return string
    }

    @Test(arguments: ["", "HH-000123", "a\u{0}b", "Bắc Ruộng", "x\u{7F}", "\u{80}", "abc\u{80}"])
    func validTextReadsAsItself(text: String) throws {
        #expect(try read(Array(text.utf8)) == text)
    }

    @Test(arguments: [[0x80], [0xC3, 0x28], [0x41, 0xFF], [0xE1, 0xBA], [0xED, 0xA0, 0x80], [0xC0, 0x80]] as [[UInt8]])
    func invalidUTF8IsMalformed(bytes: [UInt8]) {
        let error = #expect(throws: WireError.self) { try read(bytes) }
        #expect(error?.code == .malformed)
        #expect(error?.message.contains("name is not valid UTF-8") == true)
    }

    /// Every input of one and two bytes, ASCII or not, reads as `String(validating:)` reads it.
    @Test func everyShortInputReadsAsTheStandardCheckDoes() {
        for first in 0...255 {
            let one = [UInt8(first)]
            #expect((try? read(one)) == String(validating: one, as: UTF8.self))
            for second in 0...255 {
                let two = [UInt8(first), UInt8(second)]
                let expected = String(validating: two, as: UTF8.self)
                if (try? read(two)) != expected { Issue.record("\(two) read differently") }
            }
        }
    }

    @Test func aShortLengthNamesTheField() {
        var reader = ByteReader([0x00], context: "test")
        let error = #expect(throws: WireError.self) { try reader.readString(lengthAs: UInt16.self, field: "outbox key") }
        #expect(error?.message == "test: outbox key length needs 2 bytes, 1 left")
    }
}
