import Foundation
import Testing
import ZeroMQ

@testable import ChungTayDispatcher

@Suite("PeerConnections")
struct PeerConnectionsTests {
    struct NothingArrived: Error {}

    /// On a CURVE socket, handshakes that fail before any key is known (here a NULL peer)
    /// are counted, for the dispatcher's once-a-minute warning.
    @Test("a NULL peer's failed handshake on a CURVE socket is counted")
    func failedHandshakesAreCounted() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, type: .router)
        defer { router.close() }
        try router.setLinger(milliseconds: 0)
        try router.setCurveServer(secretKey: CurveKeyPair.generate().secretKey)
        let peers = try PeerConnections(monitoring: router, context: context, name: "test-\(UUID().uuidString)", handshakes: true)
        try router.bind("tcp://127.0.0.1:*")
        let dealer = try ZMQSocket(context: context, type: .dealer)
        defer { dealer.close() }
        try dealer.setLinger(milliseconds: 0)
        try dealer.connect(try router.lastEndpoint)
        _ = try dealer.send([Array("no key".utf8)])

        var failures = 0
        for _ in 0..<500 where failures == 0 {
            peers.readEvents()
            failures += peers.takeHandshakeFailures()
            if failures == 0 { usleep(10_000) }
        }
        #expect(failures >= 1)
        #expect(peers.takeHandshakeFailures() == 0, "taken once")
    }

    /// Client departures are taken every turn, even with the peer's messages still queued:
    /// a message read from the closed connection afterwards must make its peer a departure
    /// again, or what that message added would stay for good.
    @Test("a message read after its peer's departure was taken makes it a departure again")
    func lateMessageFromAClosedConnection() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, type: .router)
        defer { router.close() }
        try router.setLinger(milliseconds: 0)
        let peers = try PeerConnections(monitoring: router, context: context, name: "test-\(UUID().uuidString)")
        try router.bind("tcp://127.0.0.1:*")
        let dealer = try ZMQSocket(context: context, type: .dealer)
        try dealer.setRoutingId([7])
        try dealer.setLinger(milliseconds: 5000)
        try dealer.connect(try router.lastEndpoint)
        for text in ["first", "second"] { _ = try dealer.send([Array(text.utf8)]) }
        let limits = MessageLimits(maxFrames: 8, maxBytes: 1024)

        func receive() throws -> ReceivedMessage {
            for _ in 0..<500 {
                if let message = try router.receive(limits: limits, dontWait: true) { return message }
                usleep(10_000)
            }
            throw NothingArrived()
        }
        let first = try receive()
        peers.noteMessage(from: first.frames[0], connection: first.connection)
        // Both messages are in the socket before libzmq reports the disconnect.
        let second = try receive()
        dealer.close()

        var departed: [[UInt8]] = []
        for _ in 0..<500 where departed.isEmpty {
            peers.readEvents()
            departed = peers.takeDepartures()
            if departed.isEmpty { usleep(10_000) }
        }
        #expect(departed == [[7]])
        #expect(peers.takeDepartures().isEmpty)

        peers.noteMessage(from: second.frames[0], connection: second.connection)
        #expect(peers.takeDepartures() == [[7]])
    }
}
