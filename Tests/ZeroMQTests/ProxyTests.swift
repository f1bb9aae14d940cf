import Foundation
import Testing
import ZeroMQ

@Suite struct ProxyTests {
    @Test func proxyForwardsBothWaysUntilContextShutdown() throws {
        let context = try ZMQContext()
        let outcome = Handoff<Result<Void, ZMQError>>()
        let thread = Thread {
            do throws(ZMQError) {
                let frontend = try ZMQSocket(context: context, type: .router)
                try frontend.bind("inproc://frontend")
                let backend = try ZMQSocket(context: context, type: .dealer)
                try backend.bind("inproc://backend")
                try runProxy(frontend: frontend, backend: backend)
                outcome.deliver(.success(()))
            } catch {
                outcome.deliver(.failure(error))
            }
        }
        thread.start()

        let client = try makeSocket(context, .req)
        try client.connect("inproc://frontend")
        let worker = try makeSocket(context, .rep)
        try worker.connect("inproc://backend")
        try client.send([bytes("job")])
        #expect(try worker.receive() == [bytes("job")])
        try worker.send([bytes("done")])
        #expect(try client.receive() == [bytes("done")])

        context.shutdown()
        let result = try #require(outcome.wait())
        #expect(throws: Never.self) { try result.get() }
    }
}
