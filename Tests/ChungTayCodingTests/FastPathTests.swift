@testable import ChungTayCoding
import Foundation
import Testing

/// The byte-level fast paths of the codecs against the plain code they stand in for:
/// each must give the same result on every input, not just the usual ones.
@Suite struct FastPathTests {
    // MARK: Trimming

    /// `trimmed` as it read before its byte-level fast path, verbatim (so with its quirk:
    /// text whose first and last bytes are not space, tab, CR, LF or the lead of a
    /// non-ASCII white space is left alone, vertical tab and form feed included).
    static func referenceTrimmed(_ text: String) -> String {
        func isASCIIWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        func mayStartWhitespace(_ byte: UInt8) -> Bool {
            byte < 0x80 ? isASCIIWhitespace(byte) : (byte == 0xC2 || byte == 0xE1 || byte == 0xE2 || byte == 0xE3)
        }
        func mayEndWhitespace(_ text: String) -> Bool {
            guard let last = text.unicodeScalars.last else { return false }
            return last.properties.isWhitespace
        }
        let utf8 = text.utf8
        guard let first = utf8.first else { return text }
        let last = utf8[utf8.index(before: utf8.endIndex)]
        if !mayStartWhitespace(first) && (last < 0x80 ? !isASCIIWhitespace(last) : !mayEndWhitespace(text)) {
            return text
        }
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }

    @Test func trimmingMatchesThePreviousCodeAtBothEnds() {
        var checked = 0
        for value in UInt32(0)...0x3100 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let edge = String(scalar)
            for text in [edge, edge + "Nguyễn", "Nguyễn" + edge, edge + "ab" + edge, edge + edge, "Đ" + edge + "ư"] {
                let fast = UnicodeText.trimmed(text)
                let reference = Self.referenceTrimmed(text)
                #expect(Array(fast.utf8) == Array(reference.utf8), "U+\(String(value, radix: 16)) in \(text.debugDescription)")
                checked += 1
            }
        }
        for text in [
            "", " ", "\u{A0}", "\u{3000}x\u{3000}", "\u{FEFF}x", "x\u{200B}", "\u{1680}Ấp", "Ấp\u{180E}", "😀", " 😀 ",
            "\u{0B}x\u{0B}", " \u{0B}x", "x\u{0C} ", "\u{85}x\u{85}", "\u{2028}Đức\u{2029}",
        ] {
            #expect(Array(UnicodeText.trimmed(text).utf8) == Array(Self.referenceTrimmed(text).utf8), "\(text.debugDescription)")
        }
        #expect(checked > 70_000)
    }

    // MARK: Writing strings

    static func referenceQuoted(_ text: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): out += Array(#"\\"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }

    static func written(_ text: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 16)
        writer.string(text)
        return writer.finish()
    }

    @Test func writerEscapesEverySpecialByteAtEveryPosition() {
        let specials: [String] = ["\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "ấ", "😀"]
        for length in 0...24 {
            let plain = String(repeating: "a", count: length)
            #expect(Self.written(plain) == Self.referenceQuoted(plain))
            for position in 0...length {
                for special in specials {
                    var text = plain
                    text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: position))
                    #expect(Self.written(text) == Self.referenceQuoted(text), "\(text.debugDescription)")
                }
            }
        }
    }

    // MARK: Reading strings

    @Test func readerFindsEveryEscapeAndStopAtEveryPosition() throws {
        let pieces: [String] = ["\"", "\\", "\n", "\u{1}", "é", "ấ", "😀", "/", "\u{7F}"]
        for length in 0...20 {
            for position in 0...length {
                for piece in pieces {
                    var text = String(repeating: "b", count: length)
                    text.insert(contentsOf: piece, at: text.index(text.startIndex, offsetBy: position))
                    let json = Array("{\"k\":".utf8) + Self.written(text) + Array("}".utf8)
                    let value = try JSONValue(parsing: json)
                    #expect(value == .object(JSONObject([JSONObject.Member(key: "k", value: .string(text))])))
                }
            }
        }
    }

    @Test func readerReportsControlCharactersWhereTheyAre() {
        for length in 0...20 {
            for position in 0...length {
                var bytes = Array("[\"".utf8) + Array(repeating: UInt8(ascii: "c"), count: length) + Array("\"]".utf8)
                bytes.insert(0x01, at: 2 + position)
                #expect(throws: JSONSyntaxError(offset: 2 + position, message: "control character in string")) {
                    try JSONValue(parsing: bytes)
                }
            }
        }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Array("[\"abcdefghijklmnop".utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Array("{\"abcdefghijklmnop".utf8)) }
    }

    @Test func readerStillRejectsInvalidUTF8AndNormalisesKeysAndValues() throws {
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE1, 0xBA], [0xFF]] {
            let json = Array("[\"abcdefgh".utf8) + bad + Array("ijklmnop\"]".utf8)
            #expect(throws: JSONSyntaxError(offset: 2, message: "invalid UTF-8 in string")) { try JSONValue(parsing: json) }
        }
        let decomposed = try JSONValue(parsing: Array("{\"Nguye\u{302}\u{303}n\":\"Nguye\u{302}\u{303}n Va\u{306}n\"}".utf8))
        #expect(decomposed == .object(JSONObject([JSONObject.Member(key: "Nguyễn", value: .string("Nguyễn Văn"))])))
    }

    // MARK: Known keys

    @Test func everyKnownKeyIsFoundAndNoOtherKey() {
        for (number, name) in KnownKeys.names.enumerated() {
            #expect(KnownKeys.index(of: name) == number)
            var bytes = Array(name.utf8)
            #expect(bytes.withUnsafeBufferPointer { KnownKeys.index(of: $0) } == number)
            bytes.append(UInt8(ascii: "x"))
            #expect(bytes.withUnsafeBufferPointer { KnownKeys.index(of: $0) } == nil)
            #expect(KnownKeys.index(of: String(name.dropLast())) == nil || KnownKeys.names.contains(String(name.dropLast())))
        }
        for other in ["", "a", "Household", "householdcode", "householdCode ", "héadName", "batches", "sourc"] {
            #expect(KnownKeys.index(of: other) == nil)
        }
    }
}
