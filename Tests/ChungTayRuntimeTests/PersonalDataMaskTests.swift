import Logging
import Testing
@testable import ChungTayRuntime
import ChungTayWire
import Foundation

@Suite struct PersonalDataMaskTests {
    @Test(arguments: [
        ("citizen 060123456789 flagged", "citizen ********6789 flagged"),
        ("call 0912345678", "call ******5678"),
        ("call 0912 345 678 now", "call **** **5 678 now"),
        ("call 091-234-5678", "call ***-***-5678"),
        ("+84912345678", "+*******5678"),
    ])
    func masksAllButTheLastFourDigits(input: String, expected: String) {
        #expect(PersonalDataMask.mask(input) == expected)
    }

    /// However a phone number or citizen ID is written: other separators, several in a row,
    /// brackets, full-width digits, a +84 prefix (issue 9: these were left in clear).
    @Test(arguments: [
        ("call 0912/345/678", "call ****/**5/678"),
        ("call 0912  345  678", "call ****  **5  678"),
        ("call (091)234-5678", "call (***)***-5678"),
        ("call (091) 234 5678", "call (***) *** 5678"),
        ("call ０９１２３４５６７８", "call ******５６７８"),
        ("call ０９１２ ３４５ ６７８", "call **** **５ ６７８"),
        ("call +84 912 345 678", "call +** *** **5 678"),
        ("call +84-912-345-678", "call +**-***-**5-678"),
        ("call 0912.345.678", "call ****.**5.678"),
        ("call 0912_345_678", "call ****_**5_678"),
        ("call 0912–345–678", "call ****–**5–678"),
        ("call 0912\u{00A0}345\u{00A0}678", "call ****\u{00A0}**5\u{00A0}678"),
        ("citizen 060 123 456 789", "citizen *** *** **6 789"),
        ("citizen ０６０１２３４５６７８９", "citizen ********６７８９"),
        ("id:060123456789,next", "id:********6789,next"),
    ])
    func masksEveryWayOfWritingThem(input: String, expected: String) {
        #expect(PersonalDataMask.mask(input) == expected)
    }

    @Test(arguments: [
        "task 42 attempt 3", "12345678 jobs", "as of 2026-11-27", "1.500.000 đồng", "as of 27/11/2026",
        "jobs 1234, 5678, 9012", "batch B000123 chunk 45", "12 of 345 (67%)", "task 98765432 attempt 2",
        "ngày ２７/１１/２０２６", "time 10:00:00.123", "queued 4096 of 65536",
    ])
    func leavesShortNumbersAlone(text: String) {
        #expect(PersonalDataMask.mask(text) == text)
    }

    @Test func theLogHandlerMasksMessagesAndMetadata() throws {
        let lines = LineRecorder()
        let sink = LogSink()
        var logger = Logger(label: "test") { _ in
            StructuredLogHandler(identity: LogIdentity(role: .worker, worker: "w1", host: "h"), format: .json, sink: sink) { lines.append($0) }
        }
        logger.logLevel = .info
        logger.info("household 060123456789", metadata: [
            "phone": "0912345678", "nested": ["ids": ["079123456789"]], "household": "079123456789", "task": "7",
        ])
        let record = sink.takeAll().first
        #expect(record?.message == "household ********6789")
        #expect(record?.fields["phone"] == "******5678")
        #expect(record?.fields["nested"] == "[ids: [********6789]]")
        #expect(record?.household == "********6789")
        #expect(record?.taskId == "7")
        #expect(record?.worker == "w1")
        let line = try #require(lines.lines.first)
        #expect(!line.contains("060123456789") && !line.contains("0912345678") && !line.contains("079123456789"))
        #expect(try LogRecord.decode(Array(line.dropLast().utf8)) == record)
    }

    @Test func theTextLineHasTimeLevelProcessMessageAndFields() {
        let record = LogRecord(time: "2026-12-04T04:00:00.000Z", level: .warning, role: .worker, worker: "w1", host: "h",
                               message: "task failed", taskId: "9", kind: "system.echo", fields: ["code": "x"])
        #expect(StructuredLogHandler.textLine(record) == "2026-12-04T04:00:00.000Z WARNING worker[w1] task failed task=9 kind=system.echo code=x\n")
    }

    @Test func aFullSinkDropsAndCounts() {
        let sink = LogSink(capacity: 2)
        let record = LogRecord(time: "t", level: .info, role: .dispatcher, host: "h", message: "m")
        for _ in 0..<5 { sink.offer(record) }
        #expect(sink.takeAll().count == 2)
        #expect(sink.droppedCount == 3)
    }
}

/// Captures the lines the handler writes.
final class LineRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    var lines: [String] { lock.withLock { stored } }

    func append(_ line: String) {
        lock.withLock { stored.append(line) }
    }
}
