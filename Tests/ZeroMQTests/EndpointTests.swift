import Foundation
import Testing
import ZeroMQ

@Suite struct EndpointTests {
    @Test func wildcardPortResolvesThroughLastEndpoint() throws {
        let context = try ZMQContext()
        let socket = try makeSocket(context, .rep)
        let endpoint = try socket.bindLoopback()

        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        let port = Int(endpoint.dropFirst("tcp://127.0.0.1:".count))
        #expect(port.map { $0 > 0 } == true)
    }

    @Test(arguments: ["tcp://not an address", "bogus://somewhere", "tcp://127.0.0.1"])
    func malformedEndpointIsRejected(endpoint: String) throws {
        let context = try ZMQContext()
        let socket = try makeSocket(context, .rep)

        let error = #expect(throws: ZMQError.self) {
            try socket.bind(endpoint)
        }
        #expect(error?.operation == "bind")
        #expect(error.map { [EINVAL, EPROTONOSUPPORT].contains($0.errno) } == true)
    }

    @Test func unbindAndDisconnectUndoBindAndConnect() throws {
        let context = try ZMQContext()
        let server = try makeSocket(context, .pull)
        let client = try makeSocket(context, .push)
        let endpoint = try server.bindLoopback()
        try client.connect(endpoint)

        try client.disconnect(endpoint)
        try server.unbind(endpoint)
        let error = #expect(throws: ZMQError.self) {
            try server.unbind(endpoint)
        }
        #expect(error?.operation == "unbind")
    }

    @Test func errorDescribesOperationAndErrno() {
        let error = ZMQError(errno: EINVAL, operation: "bind")

        #expect(error.description == "bind failed: \(error.message) (errno \(EINVAL))")
        #expect(!error.isAgain && !error.isTerminated && !error.isInterrupted)
        #expect(ZMQError(errno: EAGAIN, operation: "receive").isAgain)
        #expect(ZMQError(errno: EINTR, operation: "poll").isInterrupted)
    }

    @Test func linkedLibraryIsVersionFour() {
        #expect(zmqVersion().major == 4)
    }
}
