import Foundation
import Testing
import ZeroMQ

/// A refused CURVE client learns why from its own socket's monitor, instead of waiting out a timeout.
@Suite struct HandshakeWatchTests {
    /// Waits (bounded by `patience`) for the watch to report a failure.
    private func firstFailure(_ watch: HandshakeWatch) throws -> HandshakeWatch.Failure? {
        var poller = ZMQPoller()
        poller.add(watch.socket)
        let deadline = ContinuousClock.now + .milliseconds(Int(patience))
        while ContinuousClock.now < deadline {
            guard try poller.poll(timeoutMilliseconds: 100)[0].contains(.readable) else { continue }
            if let failure = watch.failure() { return failure }
        }
        return nil
    }

    @Test func keyTheZAPHandlerDeniesIsDefinite() throws {
        let context = try ZMQContext()
        let handler = try ZAPHandler(context: context) { _ in .deny }
        defer { handler.stop() }
        let serverKeys = try CurveKeyPair.generate()
        let server = try makeSocket(context, .router)
        try server.setCurveServer(secretKey: serverKeys.secretKey)
        let client = try makeSocket(context, .dealer)
        try client.setCurveClient(CurveClientKeys(serverPublicKey: serverKeys.publicKey, keyPair: .generate()))
        let watch = try HandshakeWatch(monitoring: client, context: context, name: "denied")
        try client.connect(server.bindLoopback())

        let failure = try firstFailure(watch)
        #expect(failure?.isDefinite == true)
        #expect(failure?.description.contains("does not admit this key") == true, "\(String(describing: failure))")
    }

    @Test func curveClientOfAPlainServerIsAMismatch() throws {
        let context = try ZMQContext()
        let server = try makeSocket(context, .router)
        let client = try makeSocket(context, .dealer)
        try client.setCurveClient(CurveClientKeys(serverPublicKey: CurveKeyPair.generate().publicKey, keyPair: .generate()))
        let watch = try HandshakeWatch(monitoring: client, context: context, name: "mismatch")
        try client.connect(server.bindLoopback())

        let failure = try firstFailure(watch)
        #expect(failure?.isDefinite == true)
        #expect(failure?.description.contains("disagree on CURVE") == true, "\(String(describing: failure))")
    }

    /// The server cannot read a HELLO sealed for another key and just closes: the client
    /// only sees the connection end, which a restarting server could cause too.
    @Test func wrongServerKeyIsAClosedHandshake() throws {
        let context = try ZMQContext()
        let server = try makeSocket(context, .router)
        try server.setCurveServer(secretKey: CurveKeyPair.generate().secretKey)
        let client = try makeSocket(context, .dealer)
        try client.setCurveClient(CurveClientKeys(serverPublicKey: CurveKeyPair.generate().publicKey, keyPair: .generate()))
        let watch = try HandshakeWatch(monitoring: client, context: context, name: "wrong-server-key")
        try client.connect(server.bindLoopback())

        let failure = try firstFailure(watch)
        #expect(failure != nil)
        #expect(failure?.description.contains("--server-key") == true, "\(String(describing: failure))")
    }

    @Test func successfulHandshakeReportsNothing() throws {
        let context = try ZMQContext()
        let serverKeys = try CurveKeyPair.generate()
        let server = try makeSocket(context, .router)
        try server.setCurveServer(secretKey: serverKeys.secretKey)
        let client = try makeSocket(context, .dealer)
        try client.setCurveClient(CurveClientKeys(serverPublicKey: serverKeys.publicKey, keyPair: .generate()))
        let watch = try HandshakeWatch(monitoring: client, context: context, name: "admitted")
        try client.connect(server.bindLoopback())

        try client.send([bytes("hello")])
        #expect(try server.receive()?.last == bytes("hello"))
        #expect(watch.failure() == nil)
    }
}
