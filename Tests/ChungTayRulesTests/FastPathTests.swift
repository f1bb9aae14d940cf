@testable import ChungTayCoding
@testable import ChungTayRules
import ChungTayWire
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
                let checked = Result { () throws(TaskRejection) in try ParsedPayload(bytes, leavingUnread: [reviews]) }
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

    // MARK: Scanning items into records

    /// Stages A and B scan their item lists straight into records when the reader left them
    /// unread; reading every list into values first (`ParsedPayload(_:)`, the path a list
    /// that is not canonical still takes) must give the same documents, keys, counters and
    /// follow-up, or the same rejection, item for item.
    @Test func scannedItemsAreReadAsValuesAreRead() throws {
        let households: [String] = [
            #"{"file":"h.csv","line":2,"record":{"householdCode":"TL-1","headName":"Nguyễn Văn An","citizenId":"079123456789","commune":"Tánh Linh","area":"rural","members":"4","monthlyIncomePerCapita":"1400000","housingAreaM2":"40","phone":"0912.345.678"}}"#,
            #"{"file":"h.csv","line":3,"record":{"members":"2","members":3,"note":{"x":[1,{"y":null}]},"headName":{"a":1},"safeWater":"có","area":null,"village":["Thôn 1"]}}"#,
            #"{"record":{"householdCode":"TL-2"},"line":4,"extra":[true,{"a":"b"}],"file":"h.csv","record":{"householdCode":"TL-3"}}"#,
            #"{"file":"h.csv","line":5,"record":7,"record":{}}"#,
            #"{"file":"h.xlsx","sheet":"Danh sách","line":6,"record":{},"listFlags":["duplicate_citizen_id","duplicate_household_code"],"inputError":{"column":2,"field":null,"message":"x"}}"#,
            #"{"file":"h.csv","line":7,"record":{"householdCode":"TL-4","monthlyIncomePerCapita":1.5,"members":-2,"listStatusSince":"2025-02-30"},"listFlags":null,"inputError":null}"#,
        ]
        let malformed: [String] = [
            #"{}"#, #"{"file":"h.csv","line":2}"#, #"{"file":"h.csv","line":2,"record":{},"record":null}"#,
            #"{"file":"h.csv","line":0,"record":{}}"#, #"{"file":"h.csv","line":2.5,"record":{}}"#, #"{"file":3,"line":2,"record":{}}"#,
            #"{"file":"h.csv","line":2,"record":{},"sheet":""}"#, #"{"file":"h.csv","line":2,"record":{},"listFlags":["household_not_in_list"]}"#,
            #"{"file":"h.csv","line":2,"record":{},"listFlags":"duplicate_citizen_id"}"#,
            #"{"file":"h.csv","line":2,"record":{},"inputError":{"message":"x"}}"#,
            #"{"file":"h.csv","line":2,"record":{},"inputError":{"column":1,"message":"x","field":3}}"#,
        ]
        let loans: [String] = [
            #"{"file":"l.csv","line":1,"record":{"loanId":"L-1","householdCode":"TL-1","program":"poor_household","principal":12000000,"disbursedOn":"2025-01-15","maturityOn":"2027-01-15","repaymentPeriodMonths":4,"termAdjustments":[{"dueOn":"2025-05-15","newDueOn":"2025-07-15"}],"misusedFunds":"0"}}"#,
            #"{"file":"l.csv","line":2,"record":[],"record":{"loanId":"L-2","termAdjustments":[{"dueOn":"2025-05-15"}],"principal":"9e15"},"listFlags":["household_not_in_list"]}"#,
        ]
        let batch = #""batch":{"id":"B1","asOf":"2026-03-01","whatIf":false}"#
        var payloads: [(TaskKind, String)] = [
            (.householdReview, #"{\#(batch),"households":[\#(households.joined(separator: ","))],"loans":[\#(loans.joined(separator: ","))]}"#),
            (.loanStatus, #"{\#(batch),"loans":[\#(loans.joined(separator: ","))],"reviews":[]}"#),
            (.householdReview, #"{\#(batch),"households":[],"loans":[]}"#),
            // Spelled other than canonically: read into values either way.
            (.householdReview, #"{\#(batch),"households":[ \#(households[0]) ]}"#),
        ]
        for item in malformed {
            payloads.append((.householdReview, #"{\#(batch),"households":[\#(households[0]),\#(item)]}"#))
            payloads.append((.householdReview, #"{\#(batch),"households":[],"loans":[\#(loans[0]),\#(item)]}"#))
            payloads.append((.loanStatus, #"{\#(batch),"loans":[\#(item)]}"#))
        }
        var scannedLists = 0
        for (kind, text) in payloads {
            let bytes = Array(text.utf8)
            let scanning = try ParsedPayload(bytes, for: kind)
            if scanning.isSkippedArrayOfObjects(kind == .householdReview ? "households" : "loans") { scannedLists += 1 }
            let scanned = Result { () throws(TaskRejection) in try BatchStage.run(kind: kind, payload: scanning, rules: Fixture.rules) }
            let read = Result { () throws(TaskRejection) in try BatchStage.run(kind: kind, payload: ParsedPayload(bytes), rules: Fixture.rules) }
            switch (scanned, read) {
            case (.success(let scanned), .success(let read)):
                #expect(scanned.documents == read.documents, "\(text)")
                #expect(scanned.keys == read.keys, "\(text)")
                #expect(scanned.counters == read.counters, "\(text)")
                #expect(scanned.followUp == read.followUp, "\(text)")
            case (.failure(let scanned), .failure(let read)):
                #expect(scanned == read, "\(text)")
            default:
                Issue.record("\(text): scanned and read disagree on refusing it")
            }
        }
        // Every canonical list above was scanned, not read into values.
        #expect(scannedLists == payloads.count - 1)
    }

    /// What the record readers take from a record object and from its scanned bytes.
    @Test func recordsScannedFromBytesEqualRecordsReadFromObjects() throws {
        let record = #"{"householdCode":"TL-1","members":"2","members":3,"x":{"y":[1]},"headName":{"a":1},"safeWater":"có","loanId":"L-1","principal":5}"#
        let object = try #require(JSONValue(parsing: Array(record.utf8)).objectValue)
        let payload = try ParsedPayload(
            Array(#"{"households":[{"file":"f","line":1,"record":\#(record)}]}"#.utf8), leavingUnread: [KnownKeys.index(of: "households")!])
        let households = try #require(
            payload.scanUnreadList("households") { scanner throws(TaskRejection) in
                try BatchItem<HouseholdRecord>.scanList(&scanner, list: "households", allowedFlags: [])
            })
        let loans = try #require(
            payload.scanUnreadList("households") { scanner throws(TaskRejection) in
                try BatchItem<LoanRecord>.scanList(&scanner, list: "households", allowedFlags: [])
            })
        #expect(households.map(\.record) == [HouseholdRecord(object)])
        #expect(loans.map(\.record) == [LoanRecord(object)])
        #expect(households[0].record[.members] == .number(DecimalNumber(3)))
    }

    /// Lists spelled other than as the reader leaves a checked list: the scanner gives nil
    /// for white space (`items` then reads the list into values, through `value(of:)` had
    /// the reader left it unread, which it never does for such a spelling), and reads any
    /// other spelling as the reader does; `items` on a payload with the list gives what
    /// reading its values gives.
    @Test func listsTheScannerCannotTakeAreReadAsValues() throws {
        let item = #"{"file":"h.csv","line":2,"record":{"householdCode":"TL-1","members":"4","safeWater":"1"}}"#
        let spaced = [
            "[ \(item)]", "[\(item) ]", "[\(item),\n\(item)]",
            #"[{"file" :"h.csv","line":2,"record":{}}]"#,
            #"[{"file":"h.csv","line":2,"record":{"members": "4"}}]"#,
            #"[{"file":"h.csv","line":2,"record":{"householdCode":"TL-1" }}]"#,
        ]
        let otherwise = [
            #"[{"file":"h\u002ecsv","line":2,"record":{"househ\u006fldCode":"TL\u002d1","members":"4"}}]"#,
            #"[{"file":"h.csv","line":2,"record":{"members":1.50,"monthlyIncomePerCapita":-0,"housingAreaM2":4E1}}]"#,
            #"[{"file":"h.csv","line":2,"record":{"headName":"Nguye\u0302\u0303n","members":" 4 "}}]"#,
        ]
        func same(_ lhs: [BatchItem<HouseholdRecord>], _ rhs: [BatchItem<HouseholdRecord>]) -> Bool {
            lhs.map(\.source) == rhs.map(\.source) && lhs.map(\.record) == rhs.map(\.record) && lhs.map(\.listFlags) == rhs.map(\.listFlags)
        }
        for list in spaced + otherwise {
            let bytes = Array(list.utf8)
            let scanned = try bytes.withUnsafeBufferPointer { buffer throws(TaskRejection) in
                var scanner = JSONScanner(buffer, range: 0..<buffer.count)
                return try BatchItem<HouseholdRecord>.scanList(&scanner, list: "households", allowedFlags: [])
            }
            guard case .array(let elements) = try JSONValue(parsing: bytes) else {
                Issue.record("\(list): not an array")
                continue
            }
            let values = try elements.enumerated().map { index, element throws(TaskRejection) in
                try BatchItem<HouseholdRecord>(element, list: "households", index: index, allowedFlags: [])
            }
            if spaced.contains(list) {
                #expect(scanned == nil, "\(list)")
            } else {
                #expect(scanned.map { same($0, values) } == true, "\(list)")
            }
            let text = #"{"batch":{"id":"B1","asOf":"2026-03-01","whatIf":false},"households":\#(list)}"#
            let parsed = try ParsedPayload(Array(text.utf8), for: .householdReview)
            #expect(!parsed.isSkippedArrayOfObjects("households"), "\(list)")
            let items: [BatchItem<HouseholdRecord>] = try BatchStagePayload(parsed).items("households", required: true, allowedFlags: [])
            #expect(same(items, values), "\(list)")
        }
    }

    /// docs/BATCH.md "Tables": a table gives the documents its items would, scanned or
    /// read into values, in the order clients write it or any other; a malformed one is
    /// refused alike both ways.
    @Test func tablesAreReadAsTheItemsTheyStandFor() throws {
        let batch = #""batch":{"id":"B1","asOf":"2026-03-01","whatIf":false}"#
        let itemForm = #"""
            {\#(batch),"households":[\#
            {"file":"h.csv","line":2,"record":{"householdCode":"TL-1","headName":"Nguyễn Văn An","members":"4","monthlyIncomePerCapita":"1400000","area":"rural"}},\#
            {"file":"h.csv","line":3,"record":{"householdCode":"TL-2","members":"3"},"listFlags":["duplicate_household_code"]},\#
            {"file":"h.csv","line":4,"record":{},"inputError":{"column":3,"field":"members","message":"x"}}],\#
            "loans":[{"file":"l.csv","line":2,"record":{"loanId":"L-1","householdCode":"TL-1","principal":"12000000","disbursedOn":"2025-01-15"}}]}
            """#
        let fields = #"["householdCode","headName","members","monthlyIncomePerCapita","area","note","members"]"#
        let rows = #"[{"line":2,"cells":["TL-1","Nguyễn Văn An","4","1400000","rural","n"]},{"line":3,"cells":["TL-2",null,"9",null,null,null,"3"],"listFlags":["duplicate_household_code"]},{"line":4,"cells":[],"inputError":{"column":3,"field":"members","message":"x"}}]"#
        let households = #"{"file":"h.csv","fields":\#(fields),"items":\#(rows)}"#
        let loans = #"{"file":"l.csv","fields":["loanId","householdCode","principal","disbursedOn"],"items":[{"line":2,"cells":["L-1","TL-1","12000000","2025-01-15"]}]}"#
        let tableForm = #"{\#(batch),"households":\#(households),"loans":\#(loans)}"#
        func outputs(_ text: String, _ kind: TaskKind) -> (scanned: Result<BatchStageOutput, TaskRejection>, read: Result<BatchStageOutput, TaskRejection>) {
            let bytes = Array(text.utf8)
            return (
                Result { () throws(TaskRejection) in try BatchStage.run(kind: kind, payload: ParsedPayload(bytes, for: kind), rules: Fixture.rules) },
                Result { () throws(TaskRejection) in try BatchStage.run(kind: kind, payload: ParsedPayload(bytes), rules: Fixture.rules) }
            )
        }
        let expected = try BatchStage.run(kind: .householdReview, payload: Array(itemForm.utf8), rules: Fixture.rules)
        #expect(try ParsedPayload(Array(tableForm.utf8), for: .householdReview).scanUnreadList("households") { _ in 1 } == 1)
        // Out of the clients' order, with white space, or with members a row's item does not take: read into values.
        let respelled = [
            tableForm,
            #"{\#(batch),"households":{"items":\#(rows),"fields":\#(fields),"file":"h.csv"},"loans":\#(loans)}"#,
            #"{\#(batch),"households": \#(households),"loans":\#(loans.replacingOccurrences(of: #"{"line":2,"#, with: #"{"file":"x.csv","sheet":"S","record":{"loanId":"L-9"},"line":2,"#))}"#,
        ]
        for text in respelled {
            let (scanned, read) = outputs(text, .householdReview)
            for output in [scanned, read] {
                let output = try output.get()
                #expect(output.documents == expected.documents, "\(text)")
                #expect(output.keys == expected.keys, "\(text)")
                #expect(output.counters == expected.counters, "\(text)")
                // The loans go on as the table they came in; stage B reads them as their items.
                let followUp = try #require(output.followUp)
                let stageB = try BatchStage.run(kind: .loanStatus, payload: followUp.payload, rules: Fixture.rules)
                let expectedB = try BatchStage.run(kind: .loanStatus, payload: try #require(expected.followUp).payload, rules: Fixture.rules)
                #expect(stageB.documents == expectedB.documents, "\(text)")
                #expect(stageB.followUp == expectedB.followUp, "\(text)")
            }
        }
        let refused: [(String, String)] = [
            (#"{"file":"h.csv","items":[]}"#, "households.fields must be an array of strings"),
            (#"{"file":"h.csv","fields":["a",1],"items":[]}"#, "households.fields must be an array of strings"),
            (#"{"file":"h.csv","fields":[],"items":{}}"#, "households.items must be an array"),
            (#"{"file":"h.csv","fields":["householdCode"],"items":[{"line":2,"cells":["a","b"]}]}"#, "households.items[0] lacks cells (an array of at most 1 values, one per field)"),
            (#"{"file":"h.csv","fields":["householdCode"],"items":[{"line":2}]}"#, "households.items[0] lacks cells (an array of at most 1 values, one per field)"),
            (#"{"file":"h.csv","fields":["householdCode"],"items":[{"line":2,"cells":{}}]}"#, "households.items[0] lacks cells (an array of at most 1 values, one per field)"),
            (#"{"fields":[],"items":[{"line":2,"cells":[]}]}"#, "households.items[0] lacks file (a string of at most 255 bytes)"),
            (#"{"file":"\#(String(repeating: "f", count: 256))","fields":[],"items":[{"line":2,"cells":[]}]}"#, "households.items[0] lacks file (a string of at most 255 bytes)"),
            (#"{"file":"h.csv","fields":[],"items":[{"cells":[]}]}"#, "households.items[0] lacks line (a whole number, at least 1)"),
            (#"{"file":"h.csv","fields":[],"items":[7]}"#, "households.items[0] is not an object"),
            (#"{"file":"h.csv","fields":[],"items":[{"line":2,"cells":[],"listFlags":["household_not_in_list"]}]}"#, "households.items[0] listFlags may hold only duplicate_citizen_id, duplicate_household_code"),
        ]
        for (table, message) in refused {
            let (scanned, read) = outputs(#"{\#(batch),"households":\#(table)}"#, .householdReview)
            #expect(throws: TaskRejection.payloadInvalid(message), "\(table)") { try scanned.get() }
            #expect(throws: TaskRejection.payloadInvalid(message), "\(table)") { try read.get() }
        }
        let (scanned, _) = outputs(#"{\#(batch),"households":[],"loans":{"file":"l.csv","fields":[],"items":[{"line":1,"cells":[null]}]}}"#, .householdReview)
        #expect(throws: TaskRejection.payloadInvalid("loans.items[0] lacks cells (an array of at most 0 values, one per field)")) { try scanned.get() }
        // A second `items` after a bad row's: the table is the last one's, both ways.
        for output in [outputs(#"{\#(batch),"households":{"file":"h.csv","fields":["householdCode"],"items":[7],"items":[]}}"#, .householdReview)] {
            #expect(try output.scanned.get().documents.isEmpty)
            #expect(try output.read.get().documents.isEmpty)
        }
        let (reviews, _) = outputs(#"{\#(batch),"loans":[],"reviews":7}"#, .loanStatus)
        #expect(throws: TaskRejection.payloadInvalid("reviews must be an array or a table")) { try reviews.get() }
    }

    /// docs/BATCH.md "Tables" of notices: stage C makes the same notifications from a
    /// table as from the notice objects its rows stand for; stage B checks a table as it
    /// is written without reading it, and refuses a malformed one as reading it does.
    @Test func noticeTablesAreReadAsTheNoticesTheyStandFor() throws {
        let stageA = Array(Self.tableChunk.utf8)
        let toB = try #require(try BatchStage.run(kind: .householdReview, payload: stageA, rules: Fixture.rules).followUp)
        let toC = try #require(try BatchStage.run(kind: .loanStatus, payload: toB.payload, rules: Fixture.rules).followUp)
        // The same payload with each table written out as its notice objects.
        guard case .object(let payload) = try JSONValue(parsing: toC.payload) else { throw TaskRejection.payloadInvalid("not an object") }
        var members: [JSONObject.Member] = []
        for member in payload.members {
            guard member.key != "batch", case .object(let table) = member.value else {
                members.append(member)
                continue
            }
            let notices = try NoticeTable.notices(table, list: member.key)
            #expect(!notices.isEmpty)
            members.append(JSONObject.Member(key: member.key, value: .array(notices.map(JSONValue.object))))
        }
        let objects = Self.rewritten(.object(JSONObject(members)))
        #expect(!String(decoding: objects, as: UTF8.self).contains(#""fields""#))
        let fromTables = try BatchStage.run(kind: .notifyEmit, payload: toC.payload, rules: Fixture.rules)
        let fromObjects = try BatchStage.run(kind: .notifyEmit, payload: objects, rules: Fixture.rules)
        #expect(!fromTables.documents.isEmpty)
        #expect(fromTables.documents == fromObjects.documents)
        #expect(fromTables.keys == fromObjects.keys)
        #expect(fromTables.counters == fromObjects.counters)
        #expect(fromTables.outbox == fromObjects.outbox)

        // Stage B: the review table as stage A wrote it goes on as its bytes, unread.
        let reviews = try #require(ParsedPayload(toB.payload, for: .loanStatus).canonicalBytes(of: "reviews"))
        #expect(String(decoding: toC.payload, as: UTF8.self).contains(String(decoding: reviews, as: UTF8.self)))
        let batch = #""batch":{"id":"B1","asOf":"2026-03-01","whatIf":false}"#
        let tables: [(String, String?)] = [
            (#"{"fields":["householdCode"],"items":[["TL-1"],[],[null]]}"#, nil),
            (#"{"items":[["TL-1"]],"fields":["householdCode"]}"#, nil),
            (#"{"fields":["householdCode"], "items":[["TL-1"]]}"#, nil),
            (#"{"fields":["householdCode"],"items":[["TL-1","x"]]}"#, "reviews.items[0] is not an array of at most 1 values, one per field"),
            (#"{"fields":["householdCode"],"items":[{"householdCode":"TL-1"}]}"#, "reviews.items[0] is not an array of at most 1 values, one per field"),
            (#"{"fields":[1],"items":[]}"#, "reviews.fields must be an array of strings"),
            (#"{"fields":["householdCode"],"items":{}}"#, "reviews.items must be an array"),
            (#"{"fields":["householdCode"],"items":[["TL-1"]],"items":[[1,2]]}"#, "reviews.items[0] is not an array of at most 1 values, one per field"),
        ]
        for (table, refusal) in tables {
            // Only a table as stages write it is checked without reading it.
            let wellFormed = Array(table.utf8).withUnsafeBufferPointer { buffer in
                var scanner = JSONScanner(buffer, range: 0..<buffer.count)
                return NoticeTable.isWrittenTable(&scanner)
            }
            #expect(wellFormed == (table == tables[0].0), "\(table)")
            for kind in [TaskKind.loanStatus, .notifyEmit] {
                let bytes = Array(#"{\#(batch),"loans":[],"reviews":\#(table)}"#.utf8)
                let scanned = Result { () throws(TaskRejection) in try BatchStage.run(kind: kind, payload: ParsedPayload(bytes, for: kind), rules: Fixture.rules) }
                let read = Result { () throws(TaskRejection) in try BatchStage.run(kind: kind, payload: ParsedPayload(bytes), rules: Fixture.rules) }
                if let refusal {
                    #expect(throws: TaskRejection.payloadInvalid(refusal), "\(kind) \(table)") { try scanned.get() }
                    #expect(throws: TaskRejection.payloadInvalid(refusal), "\(kind) \(table)") { try read.get() }
                } else {
                    #expect(try scanned.get().followUp == read.get().followUp, "\(kind) \(table)")
                    #expect(try scanned.get().documents == read.get().documents, "\(kind) \(table)")
                }
            }
        }
    }

    /// A chunk of CSV lists as `batch submit` writes it: tables of households and loans.
    static let tableChunk = #"""
        {"batch":{"id":"B1","asOf":"2026-03-01","whatIf":false},"households":{"file":"h.csv","fields":["householdCode","headName","citizenId","commune","village","area","members","monthlyIncomePerCapita","listStatus","phone"],"items":[\#
        {"line":2,"cells":["TL-1","Nguyễn Văn An","079123456789","Tánh Linh","Thôn 1","rural","4","1400000","poor","0912345678"]},\#
        {"line":3,"cells":["TL-2","Lê Thị Bình",null,"Tánh Linh","Thôn 2","rural","3","700000"],"listFlags":["duplicate_household_code"]}]},\#
        "loans":{"file":"l.csv","fields":["loanId","householdCode","program","principal","disbursedOn","maturityOn","repaymentPeriodMonths"],"items":[\#
        {"line":2,"cells":["L-1","TL-1","poor_household","12000000","2025-01-15","2027-01-15","4"]},\#
        {"line":3,"cells":["L-2","TL-9","poor_household","9000000","2025-09-15","2027-09-15","4"]}]}}
        """#

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

    /// Numbers and flags of a scanned record are read from the bytes of a plain ASCII text
    /// when they can be: the value must be what reading the text as a string gives.
    @Test func plainASCIIFieldsAreReadAsTheirTextIs() {
        let spellings: [String] = [
            "", " ", "0", "1", "-1", "-0", "00", "01", "1.5", "1.50", "-2.25", ".5", "5.", "1e3", "1E-2", "1e400", "+1", "--1",
            "1-", "1 ", " 1", "1,5", "4.965.000", "123456789012345678901234567890", "0.1234567890123456789", "true", "false",
            "TRUE", "True", "yes", "x", "2026-11-27", "e", "-", "9e15", "1640000", "53.3",
        ]
        for raw in spellings {
            for kind in [FieldValue.Kind.text, .number, .flag, .date, .termAdjustments] {
                let read = Array(raw.utf8).withUnsafeBufferPointer { FieldValue(plainASCII: $0, as: kind) }
                guard let read else { continue }
                #expect(read == FieldValue(.string(raw), as: kind), "\(kind) \(raw)")
            }
        }
        // The common spellings are read from their bytes.
        let common: [(String, FieldValue.Kind)] = [("1640000", .number), ("53.3", .number), ("true", .flag), ("0", .flag)]
        for (raw, kind) in common {
            #expect(Array(raw.utf8).withUnsafeBufferPointer { FieldValue(plainASCII: $0, as: kind) } != nil, "\(raw)")
        }
    }
}
