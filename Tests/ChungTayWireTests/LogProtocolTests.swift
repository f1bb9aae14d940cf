import Testing
@testable import ChungTayWire

@Suite struct LogProtocolTests {
    static let record = LogRecord(
        time: "2026-12-04T04:00:01.250Z", level: .debug, role: .worker, worker: "A", host: "máy-1", message: "task \"finished\"\n",
        taskId: "42", kind: "household.review", batch: "B1", household: "TL-0001", fields: ["seconds": "0.0012", "attempt": "1"])

    @Test func aRecordIsOneJSONObjectThatRoundTrips() throws {
        let bytes = Self.record.encode()
        #expect(!bytes.contains(0x0A), "one line")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"time":"2026-12-04T04:00:01.250Z","level":"debug","role":"worker","worker":"A","host":"máy-1""#))
        #expect(try LogRecord.decode(bytes) == Self.record)
    }

    @Test(arguments: [
        #"{"time":"t","level":"info","role":"worker","host":"h","message":"m","n":1}"#,
        #"{"time":"t","level":"loud","role":"worker","host":"h","message":"m"}"#,
        #"{"time":"t","level":"info","role":"robot","host":"h","message":"m"}"#,
        #"{"time":"t","level":"info","role":"worker","host":"h"}"#,
        #"["time"]"#, "not json",
    ])
    func malformedRecordsAreRefused(text: String) {
        #expect(throws: WireError.self) { try LogRecord.decode(Array(text.utf8)) }
    }

    @Test func aRecordOverTheCapIsRefused() {
        var record = Self.record
        record.message = String(repeating: "x", count: LogRecord.maxEncodedBytes)
        #expect(throws: WireError.self) { try LogRecord.decode(record.encode()) }
    }

    @Test func eachFilterConditionSelectsWhatItSays() {
        let record = Self.record
        #expect(LogFilter.everything.matches(record))
        #expect(LogFilter(minimumLevel: .debug).matches(record))
        #expect(!LogFilter(minimumLevel: .info).matches(record))
        #expect(LogFilter(worker: "A").matches(record) && !LogFilter(worker: "B").matches(record))
        #expect(LogFilter(kind: "household.review").matches(record) && !LogFilter(kind: "loan.status").matches(record))
        #expect(LogFilter(batch: "B1").matches(record) && !LogFilter(batch: "B2").matches(record))
        #expect(LogFilter(grep: "finished").matches(record) && LogFilter(grep: "0.0012").matches(record))
        #expect(!LogFilter(grep: "started").matches(record))
        #expect(!LogFilter(minimumLevel: .debug, worker: "A", batch: "B2").matches(record), "every condition must hold")
    }

    @Test func everyMessageRoundTrips() throws {
        let messages: [LogMessage] = [
            .subscribe(LogSubscriptionRequest(filter: LogFilter(minimumLevel: .warning, worker: "A", kind: "k", batch: "B", grep: "g"),
                                              tail: 10_000, follow: true)),
            .subscribe(LogSubscriptionRequest(filter: .everything, tail: 0, follow: false)),
            .heartbeat, .cancel, .records([Self.record, Self.record]), .tailEnd, .error(code: "not_ready", message: "subscribe"),
        ]
        for message in messages {
            #expect(try LogMessage.decode(message.encode()[...]) == message)
        }
        #expect(try WorkerMessage.decode(WorkerMessage.log([Self.record]).encode().dropFirst()) == .log([Self.record]))
    }

    @Test func logMessagesOutsideTheCapsAreRefused() {
        #expect(throws: WireError.self) { try WorkerMessage.decode(WorkerMessage.log([]).encode().dropFirst()) }
        let tooMany = Array(repeating: Self.record, count: LogProtocol.maxRecordsPerMessage + 1)
        #expect(throws: WireError.self) { try LogMessage.decode(LogMessage.records(tooMany).encode()[...]) }
        let followTwo: [[UInt8]] = [LogProtocol.header, [0x01], Array("{}".utf8), [0, 0, 0, 1, 2]]
        #expect(throws: WireError.self) { try LogMessage.decode(followTwo[...]) }
        let unknownMember: [[UInt8]] = [LogProtocol.header, [0x01], Array(#"{"colour":"red"}"#.utf8), [0, 0, 0, 1, 0]]
        #expect(throws: WireError.self) { try LogMessage.decode(unknownMember[...]) }
    }

    @Test func aLogMessageOverItsByteCapIsRefused() throws {
        var record = Self.record
        record.message = String(repeating: "x", count: LogRecord.maxEncodedBytes - 1024)
        let records = Array(repeating: record, count: LogProtocol.maxBytesPerMessage / (LogRecord.maxEncodedBytes - 1024) + 1)
        #expect(records.count < LogProtocol.maxRecordsPerMessage)
        #expect(throws: WireError.self) { try WorkerMessage.decode(WorkerMessage.log(records).encode().dropFirst()) }
        _ = try WorkerMessage.decode(WorkerMessage.log(Array(records.dropLast(2))).encode().dropFirst())
    }

    @Test func aSubscriberSkipsARecordItCannotReadAndKeepsTheRest() throws {
        var frames = LogMessage.records([Self.record, Self.record]).encode()
        frames.insert(Array(#"{"time":"t","level":"loud","role":"worker","host":"h","message":"m"}"#.utf8), at: 3)
        #expect(try LogMessage.decode(frames[...]) == .records([Self.record, Self.record]))
    }

    @Test func aRefusalQuotesLittleOfThePeersText() {
        let level = String(repeating: #"\u0001"#, count: 2700)
        let text = #"{"time":"","level":"\#(level)","role":"worker","host":"h","message":"m"}"#
        do {
            _ = try LogRecord.decode(Array(text.utf8))
            Issue.record("an unknown level decoded")
        } catch {
            #expect(error.message.utf8.count < 200)
        }
    }

    @Test func aRefusedReadyQuotesLittleOfItsKinds() {
        let kinds = Array(repeating: String(repeating: "\u{1B}", count: 100), count: 50)
        do {
            _ = try WorkerMessage.decode(WorkerMessage.ready(name: "w", kinds: kinds, credit: 1).encode().dropFirst())
            Issue.record("bad kinds decoded")
        } catch {
            #expect(error.message.utf8.count < 200)
        }
    }
}
