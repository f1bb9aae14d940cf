@testable import ChungTayHTTPAPI
import Testing

/// The `:batch` body: one payload per non-empty line, as bytes, bounded.
@Suite struct JobLinesTests {
    @Test func linesAreSplitAndEmptyOnesSkipped() throws {
        let lines = try JobLines(Array("{\"a\":1}\n\n{\"a\":2}\r\n  \n{\"a\":3}".utf8))
        #expect((0..<lines.count).map { String(decoding: lines.payload($0), as: UTF8.self) } == [#"{"a":1}"#, #"{"a":2}"#, "  ", #"{"a":3}"#])
    }

    @Test func tooManyLinesAreTooLarge() {
        let body = Array(String(repeating: "{}\n", count: JobLines.maxLines + 1).utf8)
        #expect(throws: HTTPProblem.tooLarge("the body has more than \(JobLines.maxLines) lines")) { try JobLines(body) }
        #expect((try? JobLines(Array(String(repeating: "{}\n", count: JobLines.maxLines).utf8)))?.count == JobLines.maxLines)
    }

    @Test func anEmptyBodyIsABadRequest() {
        #expect(throws: HTTPProblem.self) { try JobLines(Array("\n\r\n\n".utf8)) }
    }

    @Test func submitsAreCutByCountAndByBytes() throws {
        let lines = try JobLines(Array(String(repeating: "{}\n", count: 1100).utf8))
        // 512 a SUBMIT when they are small.
        #expect(try lines.submits(kind: "k", idempotencyKey: nil, maxMessageBytes: 16 << 20) == [0..<512, 512..<1024, 1024..<1100])
        // A job is 5 + 1 (kind) + 2 (payload) = 8 bytes; 2048 bytes leave 1024 for jobs: 128 a SUBMIT.
        let cut = try lines.submits(kind: "k", idempotencyKey: nil, maxMessageBytes: 2048)
        #expect(cut.first == 0..<128 && cut.allSatisfy { $0.count <= 128 } && cut.last?.upperBound == 1100)
        // The key K/i counts too.
        #expect((try lines.submits(kind: "k", idempotencyKey: "K", maxMessageBytes: 2048).first?.count ?? .max) < 128)
    }

    @Test func aLineThatCannotFitAMessageIsTooLarge() throws {
        let lines = try JobLines(Array(("{}\n" + String(repeating: "x", count: 2000) + "\n").utf8))
        #expect(throws: HTTPProblem.self) { try lines.submits(kind: "k", idempotencyKey: nil, maxMessageBytes: 2048) }
    }
}
