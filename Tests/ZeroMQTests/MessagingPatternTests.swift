import Testing
import ZeroMQ

@Suite struct MessagingPatternTests {
    @Test func requestReplyRoundTrip() throws {
        let context = try ZMQContext()
        let server = try makeSocket(context, .rep)
        let client = try makeSocket(context, .req)
        try client.connect(server.bindLoopback())

        try client.send([bytes("ping")])
        #expect(try server.receive() == [bytes("ping")])
        try server.send([bytes("pong"), bytes("second frame")])
        #expect(try client.receive() == [bytes("pong"), bytes("second frame")])
    }

    @Test func dealerRouterCarriesRoutingId() throws {
        let context = try ZMQContext()
        let router = try makeSocket(context, .router)
        let dealer = try makeSocket(context, .dealer)
        try dealer.setRoutingId(bytes("worker-1"))
        try dealer.connect(router.bindLoopback())

        try dealer.send([bytes("hello"), [], bytes("world")])
        #expect(try router.receive() == [bytes("worker-1"), bytes("hello"), [], bytes("world")])
        try router.send([bytes("worker-1"), bytes("reply")])
        #expect(try dealer.receive() == [bytes("reply")])
    }

    @Test func routerMandatoryRejectsUnknownPeer() throws {
        let context = try ZMQContext()
        let router = try makeSocket(context, .router)
        try router.setRouterMandatory(true)
        _ = try router.bindLoopback()

        let error = #expect(throws: ZMQError.self) {
            try router.send([bytes("nobody"), bytes("lost")])
        }
        #expect(error?.operation == "send")
        #expect(error?.message.isEmpty == false)
    }

    @Test func pushPullOverInproc() throws {
        let context = try ZMQContext()
        let pull = try makeSocket(context, .pull)
        try pull.bind("inproc://push-pull")
        let push = try makeSocket(context, .push)
        try push.connect("inproc://push-pull")

        for index in 0..<3 {
            try push.send([bytes("job \(index)")])
        }
        for index in 0..<3 {
            #expect(try pull.receive() == [bytes("job \(index)")])
        }
    }

    @Test func subscriberOnlySeesSubscribedPrefix() throws {
        let context = try ZMQContext()
        let publisher = try makeSocket(context, .pub)
        let subscriber = try makeSocket(context, .sub, receiveTimeout: 100)
        try subscriber.subscribe(bytes("a."))
        try subscriber.connect(publisher.bindLoopback())

        // A subscription reaches the publisher asynchronously, so publish until one gets through.
        var received: [[UInt8]]?
        for _ in 0..<50 where received == nil {
            try publisher.send([bytes("b.skipped")])
            try publisher.send([bytes("a.kept"), bytes("payload")])
            received = try subscriber.receive()
        }
        #expect(received == [bytes("a.kept"), bytes("payload")])
    }

    @Test func xpubSeesSubscriptionBeforePublishing() throws {
        let context = try ZMQContext()
        let publisher = try makeSocket(context, .xpub)
        let subscriber = try makeSocket(context, .sub)
        try subscriber.subscribe(bytes("jobs."))
        try subscriber.connect(publisher.bindLoopback())

        #expect(try publisher.receive() == [[1] + bytes("jobs.")])
        try publisher.send([bytes("other.1")])
        try publisher.send([bytes("jobs.1")])
        #expect(try subscriber.receive() == [bytes("jobs.1")])
    }

    @Test func emptyFramesSurviveTheTrip() throws {
        let context = try ZMQContext()
        let pull = try makeSocket(context, .pull)
        try pull.bind("inproc://empty-frames")
        let push = try makeSocket(context, .push)
        try push.connect("inproc://empty-frames")

        try push.send([[], bytes("middle"), []])
        #expect(try pull.receive() == [[], bytes("middle"), []])
    }
}
