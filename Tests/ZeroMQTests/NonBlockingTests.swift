import Foundation
import Testing
import ZeroMQ

@Suite struct NonBlockingTests {
    @Test func receiveWithNothingQueuedReturnsNil() throws {
        let context = try ZMQContext()
        let pull = try makeSocket(context, .pull)
        try pull.bind("inproc://idle")

        #expect(try pull.receive(dontWait: true) == nil)
        #expect(try pull.tryReceive() == nil)
    }

    @Test func sendWithNoPeerReturnsFalse() throws {
        let context = try ZMQContext()
        let push = try makeSocket(context, .push)
        _ = try push.bindLoopback()

        #expect(try push.send([bytes("nobody listens")], dontWait: true) == false)
        #expect(try push.trySend([bytes("nobody listens")]) == false)
    }

    @Test func immediateRefusesToQueueForAnUnfinishedConnection() throws {
        let context = try ZMQContext()
        let listener = try makeSocket(context, .pull)
        let endpoint = try listener.bindLoopback()
        listener.close()

        let push = try makeSocket(context, .push)
        try push.setImmediate(true)
        try push.connect(endpoint)
        #expect(try push.trySend([bytes("would queue without immediate")]) == false)
    }

    @Test func receiveTimeoutReturnsNil() throws {
        let context = try ZMQContext()
        let pull = try makeSocket(context, .pull, receiveTimeout: 50)
        try pull.bind("inproc://timeout")

        #expect(try pull.receive() == nil)
    }

    @Test func sendingNoFramesIsInvalid() throws {
        let context = try ZMQContext()
        let push = try makeSocket(context, .push)

        #expect(throws: ZMQError(errno: EINVAL, operation: "send")) {
            try push.send([])
        }
    }
}
