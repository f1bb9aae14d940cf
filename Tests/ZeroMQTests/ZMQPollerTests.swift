import Testing
import ZeroMQ

@Suite struct ZMQPollerTests {
    @Test func reportsReadinessPerSocket() throws {
        let context = try ZMQContext()
        let quiet = try makeSocket(context, .pull)
        try quiet.bind("inproc://quiet")
        let busy = try makeSocket(context, .pull)
        try busy.bind("inproc://busy")
        let sender = try makeSocket(context, .push)
        try sender.connect("inproc://busy")

        var poller = ZMQPoller()
        let quietIndex = poller.add(quiet)
        let busyIndex = poller.add(busy)
        #expect(try poller.poll(timeoutMilliseconds: 0) == [[], []])

        try sender.send([bytes("wake up")])
        let ready = try poller.poll(timeoutMilliseconds: Int(patience))
        #expect(ready[quietIndex] == [])
        #expect(ready[busyIndex] == .readable)
        #expect(try busy.receive(dontWait: true) == [bytes("wake up")])
    }

    @Test func reportsWritableWhenAPeerIsConnected() throws {
        let context = try ZMQContext()
        let left = try makeSocket(context, .pair)
        try left.bind("inproc://pair")
        let right = try makeSocket(context, .pair)
        try right.connect("inproc://pair")

        var poller = ZMQPoller()
        poller.add(right, events: [.readable, .writable])
        #expect(try poller.poll(timeoutMilliseconds: Int(patience)) == [.writable])
    }

    @Test func pollingAClosedSocketFails() throws {
        let context = try ZMQContext()
        let socket = try makeSocket(context, .pull)
        var poller = ZMQPoller()
        poller.add(socket)
        socket.close()

        let error = #expect(throws: ZMQError.self) {
            try poller.poll(timeoutMilliseconds: 0)
        }
        #expect(error?.operation == "poll")
    }
}
