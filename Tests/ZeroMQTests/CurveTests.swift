import Foundation
import Testing
import ZeroMQ

@Suite struct CurveTests {
    @Test func generatedKeysAreZ85AndPublicKeyDerivesFromSecret() throws {
        let keys = try CurveKeyPair.generate()

        #expect(keys.publicKey.utf8.count == 40)
        #expect(keys.secretKey.utf8.count == 40)
        #expect(keys.publicKey != keys.secretKey)
        #expect(try CurveKeyPair.publicKey(forSecret: keys.secretKey) == keys.publicKey)
        #expect(try CurveKeyPair.generate() != keys)
    }

    @Test(arguments: ["too short", String(repeating: "x", count: 45), String(repeating: "\"", count: 40)])
    func malformedSecretKeyIsRejected(secretKey: String) {
        let error = #expect(throws: ZMQError.self) {
            try CurveKeyPair.publicKey(forSecret: secretKey)
        }
        #expect(error?.errno == EINVAL)
    }

    @Test func clientWithServerKeyRoundTrips() throws {
        let context = try ZMQContext()
        let serverKeys = try CurveKeyPair.generate()
        let server = try makeSocket(context, .rep)
        try server.setCurveServer(secretKey: serverKeys.secretKey)
        let client = try makeSocket(context, .req)
        try client.setCurveClient(serverPublicKey: serverKeys.publicKey, keyPair: .generate())
        try client.connect(server.bindLoopback())

        try client.send([bytes("secret job")])
        #expect(try server.receive() == [bytes("secret job")])
        try server.send([bytes("secret result")])
        #expect(try client.receive() == [bytes("secret result")])
    }

    @Test func clientWithWrongServerKeyGetsNothingThrough() throws {
        let context = try ZMQContext()
        let server = try makeSocket(context, .rep, receiveTimeout: 500)
        try server.setCurveServer(secretKey: CurveKeyPair.generate().secretKey)
        let client = try makeSocket(context, .req, receiveTimeout: 500)
        try client.setCurveClient(serverPublicKey: CurveKeyPair.generate().publicKey, keyPair: .generate())
        try client.connect(server.bindLoopback())

        try client.send([bytes("for the wrong server")])
        #expect(try server.receive() == nil)
        #expect(try client.receive() == nil)
    }

    @Test func plaintextClientCannotReachCurveServer() throws {
        let context = try ZMQContext()
        let server = try makeSocket(context, .pull, receiveTimeout: 500)
        try server.setCurveServer(secretKey: CurveKeyPair.generate().secretKey)
        let client = try makeSocket(context, .push)
        try client.connect(server.bindLoopback())

        try client.send([bytes("in the clear")])
        #expect(try server.receive() == nil)
    }
}
