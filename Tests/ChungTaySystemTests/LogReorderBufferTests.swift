import ChungTayClient
import ChungTayWire
import Testing

/// `chungtay logs -f`'s ordering, with arrival instants given as numbers.
@Suite struct LogReorderBufferTests {
    static func record(_ time: String, _ message: String) -> LogRecord {
        LogRecord(time: "2026-12-04T04:00:\(time)Z", level: .info, role: .worker, host: "h", message: message)
    }

    @Test func aLateRecordWithAnEarlierTimeGoesOutBeforeLaterOnesThatArrivedFirst() {
        var buffer = LogReorderBuffer<Int>()
        buffer.add([Self.record("01.300", "b"), Self.record("01.900", "d")], arrivedAt: 0)
        buffer.add([Self.record("01.100", "a"), Self.record("01.500", "c")], arrivedAt: 4)
        #expect(buffer.takeDue(arrivedBy: -1).isEmpty, "nothing has waited the window yet")
        // The first arrivals have waited: up to their newest time (01.900) everything goes,
        // the later arrivals too, in time order.
        #expect(buffer.takeDue(arrivedBy: 0).map(\.message) == ["a", "b", "c", "d"])
        #expect(buffer.isEmpty)
    }

    @Test func recordsNewerThanTheDueOnesWaitTheirTurn() {
        var buffer = LogReorderBuffer<Int>()
        buffer.add([Self.record("01.000", "a")], arrivedAt: 0)
        buffer.add([Self.record("02.000", "b")], arrivedAt: 3)
        #expect(buffer.takeDue(arrivedBy: 1).map(\.message) == ["a"])
        #expect(buffer.takeDue(arrivedBy: 2).isEmpty)
        #expect(buffer.takeDue(arrivedBy: 3).map(\.message) == ["b"])
    }
}
