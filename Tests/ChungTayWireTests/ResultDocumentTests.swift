import Foundation
import Testing
@testable import ChungTayWire

@Suite struct ResultDocumentTests {
    private let common = ResultDocument.Common(taskId: 12, kind: "system.echo", batchId: nil, processedAt: "2026-11-27T10:00:00.000Z", worker: "w\"1")

    private func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func commonFieldsAreSplicedInFront() throws {
        let document = ResultDocument.make(common, body: Array(#"{"householdCode":"H1","flags":[]}"#.utf8))
        let parsed = try object(document)
        #expect(parsed["taskId"] as? String == "12")
        #expect(parsed["kind"] as? String == "system.echo")
        #expect(parsed["batchId"] is NSNull)
        #expect(parsed["worker"] as? String == "w\"1")
        #expect(parsed["householdCode"] as? String == "H1")
        #expect(ResultDocumentCheck.isSingleLineObject(document))
    }

    @Test func templateWritesThePositionInDecimal() throws {
        let template = ResultDocument.Template(common)
        for position in [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12_345, 1_000_000] {
            var document: [UInt8] = []
            template.write(body: Array("{}".utf8), position: position, to: &document)
            #expect(try object(document)["taskId"] as? String == "12.\(position)")
        }
    }

    @Test func emptyBodyMakesAValidDocument() throws {
        let parsed = try object(ResultDocument.make(common, body: Array("{ }".utf8)))
        #expect(parsed.count == 5)
    }

    @Test func opaqueBodiesStayValidJSON() throws {
        #expect(try object(ResultDocument.opaqueBody(Array(#"{"a":[1,2]}"#.utf8)))["result"] as? [String: Any] != nil)
        #expect(try object(ResultDocument.opaqueBody(Array("plain\ntext".utf8)))["result"] as? String == "plain\ntext")
        #expect(try object(ResultDocument.opaqueBody([0xFF, 0xFE]))["resultBase64"] as? String == "//4=")
    }

    /// JSONSerialization takes JSON after a byte order mark and in UTF-16, and those bytes
    /// were spliced into the stored document as they were, which no reader could parse
    /// (found by the worker-message fuzz target's check of MDP replies; `system.echo`
    /// stores any client's payload the same way). They are stored as text or base64.
    @Test(arguments: [[0xEF, 0xBB, 0xBF] + Array("{}".utf8), [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00], [0x00, 0x5B, 0x00, 0x5D], [0x31, 0x00]])
    func opaqueBodiesInOtherEncodingsAreNotSplicedAsJSON(_ bytes: [UInt8]) throws {
        let parsed = try object(ResultDocument.make(common, body: ResultDocument.opaqueBody(bytes)))
        #expect(parsed["result"] is String || parsed["resultBase64"] is String)
    }

    /// JSONSerialization also took a trailing comma (`{"ok":true,}`), and the stored document
    /// spliced from it was not JSON (found by the worker-message fuzz target in a CI run).
    /// The strict check refuses that and every other near miss, and takes what RFC 8259 allows.
    @Test func onlyStrictJSONIsSplicedAsJSON() {
        let invalid = [#"{"ok":true,}"#, "[1,]", "[1 2]", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "1e", "-", "+1", "tru", "nul",
                       #""\x""#, #""\u12G4""#, "\"a\u{0001}\"", "\"open", "{}}", "[]]", "NaN", "", " ", "{} {}", "'a'"]
        for text in invalid { #expect(!JSONText.isValidJSON(Array(text.utf8)), "\(text)") }
        let valid = ["{}", "[]", " {\"a\" : [1, -0.5e+3, 2E-2, true, false, null, \"\\u00e9\\n\"] } ", "0", "-12", "\"x\"", "[[[]]]", "\"Tánh Linh\""]
        for text in valid { #expect(JSONText.isValidJSON(Array(text.utf8)), "\(text)") }
        let deep = Array(repeating: UInt8(ascii: "["), count: 600) + Array(repeating: UInt8(ascii: "]"), count: 600)
        #expect(!JSONText.isValidJSON(deep))
        #expect(!JSONText.isValidJSON([0x22, 0xC3, 0x28, 0x22]), "invalid UTF-8 in a string")
    }

    /// The word-at-a-time scan must find a line break at every offset, in either half of a
    /// word and in the tail, and must not mistake the bytes beside it (0x09, 0x0B, 0x0C, 0x0E,
    /// 0x8A, 0x8D) for one.
    @Test(arguments: [UInt8(ascii: "\n"), UInt8(ascii: "\r")])
    func lineBreakIsFoundAtEveryOffset(lineBreak: UInt8) {
        for length in 2...40 {
            let clean = [UInt8(ascii: "{")] + Array(repeating: UInt8(ascii: "a"), count: length - 2) + [UInt8(ascii: "}")]
            #expect(ResultDocumentCheck.isSingleLineObject(clean))
            for position in 1..<(length - 1) {
                var broken = clean
                broken[position] = lineBreak
                #expect(!ResultDocumentCheck.isSingleLineObject(broken), "length \(length), position \(position)")
            }
        }
        let neighbours: [UInt8] = [0x09, 0x0B, 0x0C, 0x0E, 0x8A, 0x8D, 0xFF, 0x00]
        #expect(ResultDocumentCheck.isSingleLineObject([UInt8(ascii: "{")] + neighbours + neighbours + [UInt8(ascii: "}")]))
    }

    @Test func escapingCoversControlCharacters() {
        #expect(JSONText.quoted("a\"b\\c\n\u{01}") == #""a\"b\\c\n\u0001""#)
    }
}
