import Testing
import ZeroMQ

@Suite struct MessageLimitTests {
    private let limits = MessageLimits(maxFrames: 4, maxBytes: 100)

    /// A ROUTER on loopback and a DEALER connected to it, as the dispatcher's peers are.
    private func pair(_ context: ZMQContext) throws -> (router: ZMQSocket, dealer: ZMQSocket) {
        let router = try makeSocket(context, .router)
        let dealer = try makeSocket(context, .dealer)
        try dealer.setLinger(milliseconds: 0)
        try dealer.connect(router.bindLoopback())
        return (router, dealer)
    }

    @Test func messageWithinLimitsArrivesWhole() throws {
        let context = try ZMQContext()
        let (router, dealer) = try pair(context)
        try dealer.send([bytes("a"), bytes("bb"), bytes("ccc")])

        let received = try #require(try router.receive(limits: limits))
        #expect(received.oversize == nil)
        #expect(Array(received.frames.dropFirst()) == [bytes("a"), bytes("bb"), bytes("ccc")])
    }

    @Test func tooManyFramesKeepsTheLeadingOnesAndDropsTheRest() throws {
        let context = try ZMQContext()
        let (router, dealer) = try pair(context)
        try dealer.send((0..<10_000).map { bytes("\($0)") })
        try dealer.send([bytes("next")])

        let oversized = try #require(try router.receive(limits: limits))
        // The routing id frame counts: it is part of what the ROUTER hands over.
        #expect(oversized.oversize?.frames == 10_001)
        #expect(oversized.frames.count == 4)
        #expect(Array(oversized.frames.dropFirst()) == [bytes("0"), bytes("1"), bytes("2")])
        // The rest of the message was read and dropped: the next receive is the next message.
        let next = try #require(try router.receive(limits: limits))
        #expect(next.oversize == nil)
        #expect(next.frames.last == bytes("next"))
    }

    @Test func tooManyBytesStopsKeepingAtTheFrameThatCrossesTheLimit() throws {
        let context = try ZMQContext()
        let (router, dealer) = try pair(context)
        try dealer.send([bytes("header"), [UInt8](repeating: 1, count: 60), [UInt8](repeating: 2, count: 60)])

        let oversized = try #require(try router.receive(limits: limits))
        #expect(oversized.frames.count == 3)
        #expect(oversized.frames.last == [UInt8](repeating: 1, count: 60))
        #expect(oversized.oversize?.frames == 4)
        #expect(oversized.oversize.map { $0.bytes > 100 } == true)
    }

    @Test func unlimitedReceiveIsTheOrdinaryOne() throws {
        let context = try ZMQContext()
        let (router, dealer) = try pair(context)
        try dealer.send((0..<300).map { _ in [UInt8](repeating: 9, count: 1000) })

        let received = try #require(try router.receive(limits: .unlimited))
        #expect(received.oversize == nil)
        #expect(received.frames.count == 301)
    }

    @Test func nothingWaitingIsNil() throws {
        let context = try ZMQContext()
        let (router, _) = try pair(context)
        #expect(try router.tryReceive(limits: limits) == nil)
    }

    /// The connection a message names is the descriptor the monitor reports when that peer
    /// connects and when it goes away, which is how a ROUTER learns that a peer left. It is
    /// known also when a poll made the ROUTER prefetch the message, as in the dispatcher's loop.
    @Test(arguments: [false, true])
    func connectionMatchesTheMonitorsAcceptAndDisconnectEvents(pollFirst: Bool) throws {
        let context = try ZMQContext()
        let router = try makeSocket(context, .router)
        try router.monitor("inproc://limits-monitor", events: [.accepted, .disconnected])
        let events = try makeSocket(context, .pair)
        try events.connect("inproc://limits-monitor")
        let endpoint = try router.bindLoopback()
        let dealer = try makeSocket(context, .dealer)
        try dealer.setLinger(milliseconds: 0)
        try dealer.connect(endpoint)

        try dealer.send([bytes("hello")])
        if pollFirst {
            var poller = ZMQPoller()
            poller.add(router)
            #expect(try poller.poll(timeoutMilliseconds: Int(patience)).first?.contains(.readable) == true)
        }
        let received = try #require(try router.receive(limits: limits))
        let accepted = try #require(try events.receive().flatMap(MonitorEvent.init(frames:)))
        #expect(accepted.kind == .accepted)
        #expect(received.connection == Int32(bitPattern: accepted.value))

        dealer.close()
        let disconnected = try #require(try events.receive().flatMap(MonitorEvent.init(frames:)))
        #expect(disconnected.kind == .disconnected)
        #expect(disconnected.value == accepted.value)
    }

    @Test func inprocPeersHaveNoConnectionDescriptor() throws {
        let context = try ZMQContext()
        let router = try makeSocket(context, .router)
        try router.bind("inproc://limits-inproc")
        let dealer = try makeSocket(context, .dealer)
        try dealer.connect("inproc://limits-inproc")
        try dealer.send([bytes("hi")])

        let received = try #require(try router.receive(limits: limits))
        #expect(received.connection == nil)
    }
}
