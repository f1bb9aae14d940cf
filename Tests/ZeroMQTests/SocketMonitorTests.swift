import Testing
import ZeroMQ

@Suite struct SocketMonitorTests {
    @Test func reportsConnectionToTheMonitoredEndpoint() throws {
        let context = try ZMQContext()
        let server = try makeSocket(context, .pull)
        let endpoint = try server.bindLoopback()
        let client = try makeSocket(context, .push)
        try client.monitor("inproc://client-monitor", events: .connected)
        let events = try makeSocket(context, .pair)
        try events.connect("inproc://client-monitor")

        try client.connect(endpoint)
        let event = try events.receive().flatMap(MonitorEvent.init(frames:))
        #expect(event?.kind == .connected)
        #expect(event?.endpoint == endpoint)
    }

    @Test func ignoresMessagesThatAreNotMonitorEvents() {
        #expect(MonitorEvent(frames: [[1, 2, 3]]) == nil)
        #expect(MonitorEvent(frames: [[1, 2, 3], []]) == nil)
    }
}
