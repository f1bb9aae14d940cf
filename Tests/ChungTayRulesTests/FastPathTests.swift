@testable import ChungTayRules
import Foundation
import Testing

/// The byte-level fast paths of the batch stages against the plain code they stand in
/// for: each must give the same result on every input, not just the usual ones.
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

    // MARK: Handing lists on

    /// What a stage wrote before it could copy bytes: the value written again.
    static func rewritten(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter(capacity: 64)
        writer.value(value)
        return writer.finish()
    }

    @Test func canonicalBytesAreExactlyWhatWritingGives() throws {
        let spellings: [String] = [
            #"[]"#, #"[ ]"#, #"{}"#, #"[{"a":1}]"#, #"[{"a": 1}]"#, #"[{"a":1} ]"#, "[\n{\"a\":1}]",
            #"[0]"#, #"[-0]"#, #"[-5]"#, #"[5.5]"#, #"[1.50]"#, #"[1.0]"#, #"[1e2]"#, #"[1E2]"#, #"[0.001]"#, #"[-0.5]"#,
            #"[12345678901234567]"#, #"[1e400]"#, #"[123456789012345678901234567890]"#, #"[0.1234567890123456789]"#,
            #"["plain"]"#, #"["a\"b"]"#, #"["a\\b"]"#, #"["a\/b"]"#, #"["a\nb"]"#, #"["a\rb\tc"]"#, #"["a\bb"]"#,
            #"["a\fb"]"#, #"["\u001f"]"#, #"["\u001F"]"#, #"["\u0041"]"#, #"["\u00e9"]"#, #"["\u0009"]"#, #"["\u000a"]"#,
            #"["\ud83d\ude00"]"#, "[\"é\"]", "[\"e\u{301}\"]", "[\"Nguyễn\"]", "[\"\u{2126}\"]", "[\"😀\"]",
            #"[true,false,null]"#, #"[true, false]"#, #"[{"a":{"b":[1,2,{"c":"d"}]},"a":2}]"#,
            #"[{"h\u0061s":1}]"#, "[{\"e\u{301}\":1}]", #"[{"file":"households.jsonl","line":3,"record":{}}]"#,
        ]
        for spelling in spellings {
            for key in ["loans", "reviews", "batch"] {
                let payload = try ParsedPayload(Array("{\"\(key)\":\(spelling),\"other\":[1]}".utf8))
                let expected = Self.rewritten(payload.object[key]!)
                if let bytes = payload.canonicalBytes(of: key) {
                    #expect(Array(bytes) == expected, "\(spelling) under \(key)")
                }
                // What the writer gives is canonical, and read back it is handed on as it is
                // (but for numbers beyond 18 digits, which are never taken as canonical).
                let again = try ParsedPayload(Array("{\"\(key)\":".utf8) + expected + Array("}".utf8))
                if let bytes = again.canonicalBytes(of: key) {
                    #expect(Array(bytes) == expected, "\(spelling) rewritten, under \(key)")
                } else {
                    #expect(
                        ["1e400", "123456789012345678901234567890", "0.1234567890123456789"].contains { spelling.contains($0) },
                        "\(spelling) under \(key)")
                }
            }
        }
        // Only the lists stages hand on are checked; the last of repeated members counts.
        let other = try ParsedPayload(Array(#"{"households":[1],"loans":[ 1 ],"loans":[2]}"#.utf8))
        #expect(other.canonicalBytes(of: "households") == nil)
        #expect(other.canonicalBytes(of: "loans").map(Array.init) == Array("[2]".utf8))
        #expect(other.canonicalBytes(of: "reviews") == nil)
    }

    @Test func stageFollowUpsDoNotDependOnHowTheInputIsSpelled() throws {
        let compact = #"{"batch":{"id":"B1","asOf":"2026-03-01","whatIf":false},"households":[{"file":"h.jsonl","line":1,"record":{"householdCode":"TL-1","headName":"Nguyễn Văn An"}}],"loans":[{"file":"l.jsonl","line":1,"record":{"loanId":"L-1","householdCode":"TL-1","principal":1.50,"note":"a\/b"}}]}"#
        let spaced = compact.replacingOccurrences(of: ",\"", with: ", \"").replacingOccurrences(of: "\":", with: "\": ")
        let a = try BatchStage.run(kind: "household.review", payload: Array(compact.utf8), rules: Fixture.rules)
        let b = try BatchStage.run(kind: "household.review", payload: Array(spaced.utf8), rules: Fixture.rules)
        #expect(a.followUp == b.followUp)
        let followUp = try #require(a.followUp)
        // The loans are written again: 1.50 becomes 1.5 and the needless escape goes.
        let text = String(decoding: followUp.payload, as: UTF8.self)
        #expect(text.contains(#""principal":1.5,"note":"a/b""#))
        let c = try BatchStage.run(kind: followUp.kind, payload: followUp.payload, rules: Fixture.rules)
        #expect(c.followUp?.kind == "notify.emit")
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

    // MARK: Amounts in messages

    /// The grouping the composer used to do with an array of characters.
    static func referenceMoney(_ amount: Int, _ separator: Character) -> String {
        let digits = Array(String(amount.magnitude))
        var grouped = ""
        for (position, digit) in digits.enumerated() {
            if position > 0 && (digits.count - position) % 3 == 0 { grouped.append(separator) }
            grouped.append(digit)
        }
        return (amount < 0 ? "-" : "") + grouped
    }

    @Test func overdueAmountsAndDaysAreWrittenAsBefore() throws {
        let amounts = [0, 1, 9, 10, 999, 1_000, 12_345, 999_999, 1_000_000, 15_000_000, -1, -1_234_567, Int.max, Int.min]
        let days = [0, 1, 31, 365, -3, Int.max, Int.min]
        for (index, amount) in amounts.enumerated() {
            let daysOverdue = days[index % days.count]
            let loan = LoanNotice(
                document: JSONObject([
                    .init(key: "loanId", value: "L-1"), .init(key: "householdCode", value: "TL-1"),
                    .init(key: "status", value: "overdue"), .init(key: "daysOverdue", value: .number(DecimalNumber(daysOverdue))),
                    .init(key: "overduePrincipal", value: .number(DecimalNumber(amount))),
                    .init(key: "nextDueAmount", value: .number(DecimalNumber(amount))), .init(key: "nextDueOn", value: "2026-03-09"),
                ]))
            let messages = notifications(reviewNotice: nil, loanNotices: [loan], asOf: Fixture.date("2026-03-01"), rules: Fixture.rules)
            let notice = try #require(messages.first { $0.type == .overdueNotice })
            #expect(notice.messageVi.contains(" \(Self.referenceMoney(amount, ".")) đồng"), "\(notice.messageVi)")
            #expect(notice.messageEn.contains(" \(Self.referenceMoney(amount, ",")) VND"), "\(notice.messageEn)")
            #expect(notice.messageVi.contains("quá hạn \(daysOverdue) ngày"), "\(notice.messageVi)")
        }
    }
}
