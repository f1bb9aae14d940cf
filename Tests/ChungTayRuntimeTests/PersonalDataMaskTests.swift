import Logging
import Testing
@testable import ChungTayRuntime

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

    @Test func theLogHandlerMasksMessagesAndMetadata() {
        let recorder = RecordingHandler()
        var logger = Logger(label: "test") { _ in MaskingLogHandler(wrapping: recorder) }
        logger.logLevel = .info
        logger.info("household 060123456789", metadata: ["phone": "0912345678", "nested": ["ids": ["079123456789"]]])
        let entry = recorder.entries.first
        #expect(entry?.message == "household ********6789")
        #expect(entry?.metadata["phone"] == "******5678")
        #expect(entry?.metadata["nested"] == ["ids": ["********6789"]])
    }
}

/// Captures what reaches the wrapped handler.
final class RecordingHandler: LogHandler, @unchecked Sendable {
    struct Entry {
        var message: String
        var metadata: Logger.Metadata
    }

    var entries: [Entry] = []
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        entries.append(Entry(message: event.message.description, metadata: event.metadata ?? [:]))
    }
}
