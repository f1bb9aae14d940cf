@testable import ChungTayHTTPAPI
import Testing

/// The `:batch` body: one payload per non-empty line, as bytes, bounded.
@Suite struct JobLinesTests {
    @Test func linesAreSplitAndEmptyOnesSkipped() throws {
        let lines = try JobLines(Array("{\"a\":1}\n\n{\"a\":2}\r\n  \n{\"a\":3}".utf8))
        #expect(lines.payloads.map { String(decoding: $0, as: UTF8.self) } == [#"{"a":1}"#, #"{"a":2}"#, "  ", #"{"a":3}"#])
    }

    @Test func tooManyLinesAreTooLarge() {
        let body = Array(String(repeating: "{}\n", count: JobLines.maxLines + 1).utf8)
        #expect(throws: HTTPProblem.tooLarge("the body has more than \(JobLines.maxLines) lines")) { try JobLines(body) }
        #expect((try? JobLines(Array(String(repeating: "{}\n", count: JobLines.maxLines).utf8)))?.payloads.count == JobLines.maxLines)
    }

    @Test func anEmptyBodyIsABadRequest() {
        #expect(throws: HTTPProblem.self) { try JobLines(Array("\n\r\n\n".utf8)) }
    }
}
