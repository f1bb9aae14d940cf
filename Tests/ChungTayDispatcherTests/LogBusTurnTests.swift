import ChungTayRuntime
import ChungTayWire
import Foundation
import Testing
import ZeroMQ

@testable import ChungTayDispatcher

/// The log bus turn by turn: what a worker's LOG becomes on the bus, and the bounds that
/// keep LOG and SUBSCRIBE floods off the task path.
@Suite struct LogBusTurnTests {
    static func dispatcher(sink: LogSink? = nil) throws -> InProcessDispatcher {
        try InProcessDispatcher {
            $0.logEndpoint = "inproc://logs-\(UUID().uuidString)"
            $0.logSink = sink
        }
    }

    /// A CTLP01 subscriber.
    final class Subscriber {
        let socket: ZMQSocket

        init(_ dispatcher: InProcessDispatcher) throws {
            socket = try ZMQSocket(context: dispatcher.context, type: .dealer)
            try socket.setLinger(milliseconds: 0)
            try socket.connect(try #require(dispatcher.dispatcher.boundLogEndpoint))
        }

        deinit { socket.close() }

        func subscribe(tail: UInt32 = 10_000, filter: LogFilter = .everything) throws {
            let request = LogSubscriptionRequest(filter: filter, tail: tail, follow: false)
            guard try socket.send(LogMessage.subscribe(request).encode(), dontWait: true) else { throw TurnTestError("subscribe would block") }
        }

        /// What arrived, without waiting: the records, and whether the tail ended.
        func received() throws -> (records: [LogRecord], ended: Bool) {
            var records: [LogRecord] = []
            var ended = false
            while let frames = try socket.receive(dontWait: true) {
                switch try LogMessage.decode(frames[...]) {
                case .records(let batch): records += batch
                case .tailEnd: ended = true
                case let other: throw TurnTestError("unexpected \(other)")
                }
            }
            return (records, ended)
        }
    }

    @Test func aWorkersRecordIsMaskedEverywhereAndKeepsASortableTime() throws {
        let dispatcher = try Self.dispatcher()
        let worker = try TurnWorker(dispatcher, name: "A", kinds: ["test.logs"], credit: 1)
        try dispatcher.turn()
        let citizen = "079201001234"
        let record = LogRecord(
            time: "yesterday", level: .info, role: .dispatcher, worker: "B", host: "h-\(citizen)", message: "id \(citizen)",
            taskId: citizen, kind: "k\(citizen)", batch: "b\(citizen)", household: "0912 345 678",
            fields: ["phone \(citizen)": "+84 912 345 678"])
        try worker.send(.log([record]))
        try dispatcher.turn()
        let subscriber = try Subscriber(dispatcher)
        try subscriber.subscribe(filter: LogFilter(worker: "A"))
        try dispatcher.turn()
        let shown = try #require(try subscriber.received().records.first)
        #expect(shown.role == .worker && shown.worker == "A")
        #expect(LogRecord.isTimestamp(shown.time))
        let text = String(decoding: shown.encode(), as: UTF8.self)
        #expect(!text.contains(citizen) && !text.contains("345 678"), "\(text)")
        #expect(text.contains("1234") && text.contains("5 678"), "the last four digits stay")
    }

    @Test(arguments: ["2026-12-04T04:00:01.250Z", "2026-12-04T04:00:01Z"])
    func rfc3339TimesPass(time: String) {
        #expect(LogRecord.isTimestamp(time))
    }

    @Test(arguments: ["", "2026-12-04 04:00:01Z", "2026-12-04T04:00:01.Z", "2026-12-04T04:00:01.250", "2026-12-04T04:00:01.2x0Z"])
    func otherTimesAreReplaced(time: String) {
        #expect(!LogRecord.isTimestamp(time))
    }

    @Test func aRecordOverTheCapNeverReachesTheRingAndIsCounted() throws {
        let sink = LogSink()
        let dispatcher = try Self.dispatcher(sink: sink)
        let small = LogRecord(time: "2026-12-04T04:00:01.250Z", level: .notice, role: .dispatcher, host: "h", message: "small")
        var large = small
        large.message = String(repeating: "\u{1}", count: LogRecord.maxEncodedBytes / 6 + 1)
        sink.offer(large)
        sink.offer(small)
        try dispatcher.turn()
        let subscriber = try Subscriber(dispatcher)
        try subscriber.subscribe()
        try dispatcher.turn()
        let received = try subscriber.received()
        #expect(received.ended)
        #expect(received.records == [small])
        #expect(dispatcher.dispatcher.logRecordsDropped == 1)
    }

    @Test func logMessagesPastTheTurnsBudgetAreDroppedUnreadAndCounted() throws {
        let dispatcher = try Self.dispatcher()
        let worker = try TurnWorker(dispatcher, name: "A", kinds: ["test.logs"], credit: 1)
        try dispatcher.turn()
        var record = LogRecord(time: "2026-12-04T04:00:01.250Z", level: .info, role: .worker, host: "h", message: "")
        record.message = String(repeating: "x", count: 15 << 10)
        let perMessage = LogProtocol.maxBytesPerMessage / record.encode().count
        let messages = LogBus.logBytesPerTurn / (perMessage * record.encode().count) + 2
        for _ in 0..<messages { try worker.send(.log(Array(repeating: record, count: perMessage))) }
        try dispatcher.turn()
        #expect(dispatcher.dispatcher.logRecordsDropped >= 1)
        #expect(dispatcher.dispatcher.logRecordsDropped < messages)
        #expect(dispatcher.dispatcher.statusReport().workers.count == 1, "the worker stays registered")
    }

    @Test func aTurnServesFewTailsAndTheRestWait() throws {
        let dispatcher = try Self.dispatcher()
        try dispatcher.turn()
        let subscribers = try (0..<(LogBus.subscriptionsPerTurn + 1)).map { _ in try Subscriber(dispatcher) }
        for subscriber in subscribers { try subscriber.subscribe() }
        try dispatcher.turn()
        var ended = try subscribers.map { try $0.received().ended }
        #expect(ended.filter { $0 }.count == LogBus.subscriptionsPerTurn)
        try dispatcher.turn()
        ended = try subscribers.map { try $0.received().ended }
        #expect(ended.filter { $0 }.count == 1)
    }
}
