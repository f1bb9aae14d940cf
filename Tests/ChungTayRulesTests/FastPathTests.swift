@testable import ChungTayCoding
@testable import ChungTayRules
import Foundation
import Testing

/// The byte-level fast paths of the batch stages against the plain code they stand in
/// for: each must give the same result on every input, not just the usual ones (those
/// of the codecs are in ChungTayCodingTests).
@Suite struct FastPathTests {
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

    /// The reader numbers the names it knows; every record field must be one of them.
    @Test func everyRecordFieldIsAKnownKey() {
        for name in HouseholdField.allCases.map(\.name) + LoanField.allCases.map(\.name) {
            #expect(KnownKeys.index(of: name) != nil, "\(name)")
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
