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

    @Test func leavesShortNumbersAlone() {
        for text in ["task 42 attempt 3", "12345678 jobs", "as of 2026-11-27", "1.500.000 đồng"] {
            #expect(PersonalDataMask.mask(text) == text)
        }
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
