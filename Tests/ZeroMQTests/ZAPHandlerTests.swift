import Synchronization
import Testing
import ZeroMQ

@Suite struct ZAPHandlerTests {
    @Test func rejectedKeyGetsNothingThroughWhileAcceptedKeyWorks() throws {
        let context = try ZMQContext()
        let serverKeys = try CurveKeyPair.generate()
        let trusted = try CurveKeyPair.generate()
        let stranger = try CurveKeyPair.generate()
        let requests = RequestLog()
        let handler = try ZAPHandler(context: context) { request in
            requests.record(request)
            return request.clientPublicKey == trusted.publicKey ? .allow(userId: "trusted") : .deny
        }
        defer { handler.stop() }

        let server = try makeSocket(context, .router, receiveTimeout: 500)
        try server.setCurveServer(secretKey: serverKeys.secretKey)
        try server.setZAPDomain("jobs")
        let endpoint = try server.bindLoopback()

        let rejected = try makeSocket(context, .req, receiveTimeout: 500)
        try rejected.setCurveClient(serverPublicKey: serverKeys.publicKey, keyPair: stranger)
        try rejected.monitor("inproc://rejected-monitor", events: .handshakeFailedAuth)
        let rejectedEvents = try makeSocket(context, .pair)
        try rejectedEvents.connect("inproc://rejected-monitor")
        try rejected.connect(endpoint)
        try rejected.send([bytes("let me in")])

        let failure = try rejectedEvents.receive().flatMap(MonitorEvent.init(frames:))
        #expect(failure?.kind == .handshakeFailedAuth)
        #expect(failure?.value == 400)
        #expect(try server.receive() == nil)
        #expect(try rejected.receive() == nil)
        let strangerRequest = requests.all.first { $0.clientPublicKey == stranger.publicKey }
        #expect(strangerRequest == ZAPRequest(domain: "jobs", address: "127.0.0.1", mechanism: "CURVE", clientPublicKey: stranger.publicKey))

        let accepted = try makeSocket(context, .req)
        try accepted.setCurveClient(serverPublicKey: serverKeys.publicKey, keyPair: trusted)
        try accepted.connect(endpoint)
        try accepted.send([bytes("hello")])
        try server.setReceiveTimeout(milliseconds: patience)
        let request = try #require(try server.receive())
        #expect(request.dropFirst().elementsEqual([[], bytes("hello")]))
        try server.send([request[0], [], bytes("welcome")])
        #expect(try accepted.receive() == [bytes("welcome")])
    }

    @Test func theVerdictsUserIdTravelsWithEveryMessage() throws {
        let context = try ZMQContext()
        let serverKeys = try CurveKeyPair.generate()
        let client = try CurveKeyPair.generate()
        let handler = try ZAPHandler(context: context) { request in
            request.clientPublicKey.map { .allow(userId: $0) } ?? .deny
        }
        defer { handler.stop() }
        let server = try makeSocket(context, .router, receiveTimeout: patience)
        try server.setCurveServer(secretKey: serverKeys.secretKey)
        try server.setZAPDomain("jobs")
        let dealer = try makeSocket(context, .dealer)
        try dealer.setCurveClient(serverPublicKey: serverKeys.publicKey, keyPair: client)
        try dealer.connect(server.bindLoopback())
        try dealer.send([bytes("one")])
        try dealer.send([bytes("two")])

        let limits = MessageLimits(maxFrames: 4, maxBytes: 1000)
        #expect(try #require(try server.receive(limits: limits)).userId == nil)
        #expect(try #require(try server.receive(limits: limits, userId: true)).userId == client.publicKey)
    }

    /// libzmq admits every CURVE client that knows the server key when no handler answers
    /// ZAP; such a message carries no `User-Id`, which is what lets a receiver refuse it.
    @Test func withoutAHandlerACurveClientGetsInButWithoutAUserId() throws {
        let context = try ZMQContext()
        let serverKeys = try CurveKeyPair.generate()
        let server = try makeSocket(context, .router, receiveTimeout: patience)
        try server.setCurveServer(secretKey: serverKeys.secretKey)
        try server.setZAPDomain("jobs")
        let dealer = try makeSocket(context, .dealer)
        try dealer.setCurveClient(serverPublicKey: serverKeys.publicKey, keyPair: .generate())
        try dealer.connect(server.bindLoopback())
        try dealer.send([bytes("anyone")])

        let received = try #require(try server.receive(limits: MessageLimits(maxFrames: 4, maxBytes: 1000), userId: true))
        #expect(received.frames.last == bytes("anyone"))
        #expect(received.userId == nil)
    }

    @Test func secondHandlerOnTheSameContextFails() throws {
        let context = try ZMQContext()
        let first = try ZAPHandler(context: context) { _ in .allow(userId: "") }

        let error = #expect(throws: ZMQError.self) {
            try ZAPHandler(context: context) { _ in .allow(userId: "") }
        }
        #expect(error?.operation == "bind")
        // Stopping twice is harmless. (Rebinding right after is not asserted: libzmq
        // releases an inproc endpoint only when its reaper thread has closed the socket.)
        first.stop()
        first.stop()
    }

    @Test func contextShutdownEndsTheHandler() throws {
        let context = try ZMQContext()
        let handler = try ZAPHandler(context: context) { _ in .allow(userId: "") }
        #expect(handler.isServing)

        context.shutdown()
        handler.stop()
        #expect(!handler.isServing, "a server with open sockets must learn that nothing answers any more")
        let error = #expect(throws: ZMQError.self) {
            try ZMQSocket(context: context, type: .pair)
        }
        #expect(error?.isTerminated == true)
    }
}

/// Collects what the handler thread was asked, for the test thread to inspect.
private final class RequestLog: Sendable {
    private let requests = Mutex<[ZAPRequest]>([])

    func record(_ request: ZAPRequest) {
        requests.withLock { $0.append(request) }
    }

    var all: [ZAPRequest] {
        requests.withLock { $0 }
    }
}
