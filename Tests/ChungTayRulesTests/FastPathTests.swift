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

    /// A list the reader only checks (stage B's review notices) is handed on exactly when
    /// reading it would have handed it on too, with the same bytes; any other spelling is
    /// read as before, so the value, the bytes written and the errors do not change.
    @Test func skippedListsAreHandedOnAsReadOnesAre() throws {
        let reviews = KnownKeys.index(of: "reviews")!
        let spellings: [String] = [
            #"[]"#, #"[ ]"#, #"[{}]"#, #"[{},{}]"#, #"[{"a":1}]"#, #"[{"a": 1}]"#, #"[{"a":1} ]"#, #"[1]"#, #"[{"a":1},2]"#,
            #"[{"a":-0}]"#, #"[{"a":1.50}]"#, #"[{"a":1.5}]"#, #"[{"a":1e2}]"#, #"[{"a":123456789012345678901234567890}]"#,
            #"[{"a":"plain","b":null,"c":true,"d":false,"e":[1,[2,{}]]}]"#, #"[{"a":"a\"b"}]"#, #"[{"a":"a\/b"}]"#,
            #"[{"a\u0062":1}]"#, "[{\"a\":\"Nguyễn Văn An\"}]", "[{\"a\":\"e\u{301}\"}]", "[{\"a\":\"\u{2126}\"}]",
            #"[{"a":tru}]"#, #"[{"a":1,}]"#, #"[{"a":1]"#, #"[{"a":"x"#, "[{\"a\":\"\u{1}\"}]", #"{"a":1}"#, #""text""#, #"null"#,
            "[" + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "]",
            "[{\"a\":" + String(repeating: "[", count: 61) + String(repeating: "]", count: 61) + "}]",
            "[{\"a\":" + String(repeating: "[", count: 62) + String(repeating: "]", count: 62) + "}]",
        ]
        for spelling in spellings {
            let documents = [
                #"{"reviews":\#(spelling)}"#, #"{"reviews":[],"reviews":\#(spelling),"loans":[1]}"#,
                #"{"reviews":\#(spelling),"reviews":[{"z":0}]}"#,
            ]
            for document in documents {
                let bytes = Array(document.utf8)
                let read = Result { () throws(TaskRejection) in try ParsedPayload(bytes) }
                let checked = Result { () throws(TaskRejection) in try ParsedPayload(bytes, onlyHandingOn: [reviews]) }
                switch (read, checked) {
                case (.success(let read), .success(let checked)):
                    #expect(checked.value(of: "reviews") == read.value(of: "reviews"), "\(document)")
                    #expect(checked.canonicalBytes(of: "reviews") == read.canonicalBytes(of: "reviews"), "\(document)")
                    #expect(checked.value(of: "loans") == read.value(of: "loans"), "\(document)")
                    if checked.isSkippedArrayOfObjects("reviews") {
                        #expect(read.canonicalBytes(of: "reviews") != nil, "\(document)")
                        guard case .array(let elements)? = read.value(of: "reviews") else {
                            Issue.record("\(document): skipped but not an array")
                            continue
                        }
                        #expect(elements.allSatisfy { $0.objectValue != nil }, "\(document)")
                    }
                case (.failure(let read), .failure(let checked)):
                    #expect(read == checked, "\(document)")
                default:
                    Issue.record("\(document): read and checked disagree")
                }
            }
        }
        // The plain review notices of a batch are skipped.
        let plain = try ParsedPayload(
            Array(#"{"batch":{"id":"B1"},"reviews":[{"householdCode":"TL-1","line":3}]}"#.utf8), for: .loanStatus)
        #expect(plain.isSkippedArrayOfObjects("reviews"))
        #expect(plain.object.members.map(\.key) == ["batch"])
    }

    /// Stage B refuses a review notice that is not an object whether or not the reader
    /// skipped the list, and hands the notices on with the same bytes either way.
    @Test func stageBChecksAndHandsOnNoticesWithOrWithoutReadingThem() throws {
        let loans = #"[{"file":"l.jsonl","line":1,"record":{"loanId":"L-1","householdCode":"TL-1","principal":1000000}}]"#
        func payload(_ reviews: String) -> [UInt8] {
            Array(#"{"batch":{"id":"B1","asOf":"2026-03-01","whatIf":false},"loans":\#(loans),"reviews":\#(reviews)}"#.utf8)
        }
        for reviews in [#"[{"householdCode":"TL-1","phone":null}]"#, #"[ {"householdCode":"TL-1"} ]"#, #"[{"a":1.50}]"#, "[]"] {
            let read = try BatchStage.run(kind: .loanStatus, payload: ParsedPayload(payload(reviews)), rules: Fixture.rules)
            let checked = try BatchStage.run(kind: .loanStatus, payload: payload(reviews), rules: Fixture.rules)
            #expect(read.followUp == checked.followUp, "\(reviews)")
            #expect(read.documents == checked.documents, "\(reviews)")
        }
        for reviews in [#"[{"householdCode":"TL-1"},3]"#, #"[{"householdCode":"TL-1"}, 3]"#] {
            #expect(throws: TaskRejection.payloadInvalid("reviews[1] is not an object")) {
                try BatchStage.run(kind: .loanStatus, payload: payload(reviews), rules: Fixture.rules)
            }
        }
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

    // MARK: Reading fields

    /// Text and flag fields take text that is already its own trimmed NFC as it is: the
    /// result must be what normalising, trimming (and for flags lower-casing) gives, for
    /// text that qualifies and for every way of just missing it.
    @Test func plainTextFieldsAreReadAsNormalisingAndTrimmingReadsThem() {
        let spellings: [String] = [
            "", " ", "a", "A1", "true", "false", "1", "0", "TRUE", "False", " true", "true ", "\ttrue", "có", "Không",
            "Nguyễn Văn A", "Nguyễn Văn Ấ", "ấp 3", " Thôn 3", "Thôn 3 ", "Thôn 3\u{A0}", "\u{A0}Thôn 3", "Thôn\u{A0}3",
            "Ba\u{301}", "e\u{301}x", "\u{1E00}x", "x\u{2003}", "x\u{3000}y", "!x~", "~", "\u{1F}x", "x\u{7F}",
            "\u{85}x", "x\n", "\r\nx", "0912345678", "2026-11-27", "  2026-11-27", "x\u{200B}", "한국어", "x한국어y",
        ]
        func reference(_ raw: String, as kind: FieldValue.Kind) -> FieldValue {
            let trimmed = UnicodeText.trimmed(UnicodeText.nfc(raw))
            if trimmed.isEmpty { return .absent }
            guard kind == .flag else { return .text(trimmed) }
            switch trimmed.lowercased() {
            case "true", "1", "có": return .flag(true)
            case "false", "0", "không": return .flag(false)
            default: return .invalid(trimmed)
            }
        }
        for raw in spellings {
            for kind in [FieldValue.Kind.text, .flag] {
                let read = FieldValue(.string(raw), as: kind)
                let expected = reference(raw, as: kind)
                #expect(read == expected, "\(kind) \(raw.unicodeScalars.map { String($0.value, radix: 16) })")
                if case .text(let text) = read, case .text(let other) = expected {
                    #expect(Array(text.utf8) == Array(other.utf8), "\(raw.unicodeScalars.map { String($0.value, radix: 16) })")
                }
            }
        }
    }
}

