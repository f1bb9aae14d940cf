import Testing
import ZeroMQ

@Suite struct SocketLimitTests {
    @Test func oversizedMessageIsDroppedWithItsConnection() throws {
        let context = try ZMQContext()
        let pull = try makeSocket(context, .pull, receiveTimeout: 500)
        try pull.setMaxMessageSize(16)
        try pull.monitor("inproc://oversize-monitor", events: .disconnected)
        let events = try makeSocket(context, .pair)
        try events.connect("inproc://oversize-monitor")
        let push = try makeSocket(context, .push)
        try push.setLinger(milliseconds: 0)
        try push.connect(pull.bindLoopback())

        try push.send([[UInt8](repeating: 7, count: 1024)])
        let event = try events.receive().flatMap(MonitorEvent.init(frames:))
        #expect(event?.kind == .disconnected)
        #expect(try pull.receive() == nil)
    }

    @Test func closedSocketRefusesWork() throws {
        let context = try ZMQContext()
        let socket = try makeSocket(context, .pair)
        socket.close()
        socket.close()

        let error = #expect(throws: ZMQError.self) {
            try socket.bind("inproc://after-close")
        }
        #expect(error?.operation == "bind")
        #expect(error?.errno != 0)
    }

    @Test func optionSettersAcceptValidValuesAndRejectInvalidOnes() throws {
        let context = try ZMQContext()
        let dealer = try makeSocket(context, .dealer)
        try dealer.setHeartbeat(interval: 1000, timeout: 3000, ttl: 6000)
        try dealer.setSendHighWaterMark(10)
        try dealer.setReceiveHighWaterMark(10)
        try dealer.setLinger(milliseconds: 0)

        #expect(throws: ZMQError.self) {
            try dealer.setRoutingId([])
        }
    }
}
