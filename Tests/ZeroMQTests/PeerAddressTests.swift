import Testing
import ZeroMQ

/// The `Peer-Address` a ROUTER reports for a message, which the dispatcher's audit trail
/// records for each client request.
@Suite struct PeerAddressTests {
    private let limits = MessageLimits(maxFrames: 8, maxBytes: 1000)

    @Test func aTCPPeersAddressIsItsIPAddressWhenAskedFor() throws {
        let context = try ZMQContext()
        let router = try makeSocket(context, .router)
        let dealer = try makeSocket(context, .dealer)
        try dealer.setLinger(milliseconds: 0)
        try dealer.connect(router.bindLoopback())
        try dealer.send([bytes("one")])
        try dealer.send([bytes("two")])
        try dealer.send([bytes("three")])

        #expect(try #require(try router.receive(limits: limits)).peerAddress == nil)
        #expect(try #require(try router.receive(limits: limits, peerAddress: true)).peerAddress == "127.0.0.1")
        // After a poll the ROUTER has prefetched the message, whose made-up routing-id frame
        // has no metadata: the address comes from the peer's own first frame.
        var poller = ZMQPoller()
        poller.add(router)
        _ = try poller.poll(timeoutMilliseconds: 5000)
        let polled = try #require(try router.receive(limits: limits, dontWait: true, peerAddress: true))
        #expect(polled.peerAddress == "127.0.0.1")
        #expect(polled.frames.last == bytes("three"))
    }

    @Test func anInprocPeerHasNoAddress() throws {
        let context = try ZMQContext()
        let router = try makeSocket(context, .router)
        try router.bind("inproc://peer-address")
        let dealer = try makeSocket(context, .dealer)
        try dealer.setLinger(milliseconds: 0)
        try dealer.connect("inproc://peer-address")
        try dealer.send([bytes("hello")])
        let received = try #require(try router.receive(limits: limits, peerAddress: true))
        #expect(received.frames.last == bytes("hello"))
        #expect(received.peerAddress == nil)
    }
}
