import ChungTayWire
import ZeroMQ

/// The wait at the heart of a subscriber's loop (log bus, notification feed): a heartbeat
/// when one is due, then a poll of the socket and of its handshake watch until a message
/// comes, the next heartbeat is due or the caller's deadline passes.
struct HeartbeatingPoll {
    let socket: ZMQSocket
    var handshake: HandshakeReport
    let interval: Duration
    private let heartbeat: [[UInt8]]
    private var nextHeartbeat: ContinuousClock.Instant

    init(socket: ZMQSocket, handshake: HandshakeReport, interval: Duration, heartbeat: [[UInt8]]) {
        self.socket = socket
        self.handshake = handshake
        self.interval = interval
        self.heartbeat = heartbeat
        nextHeartbeat = .now + interval
    }

    /// A message, or nil when none came before the next heartbeat or `deadline`. With
    /// `heartbeats` false nothing is sent (a subscriber that does not follow).
    @available(*, noasync)
    mutating func receive(until deadline: ContinuousClock.Instant, heartbeats: Bool = true) throws -> [[UInt8]]? {
        let now = ContinuousClock.now
        if heartbeats, now >= nextHeartbeat {
            nextHeartbeat = now + interval
            _ = try socket.send(heartbeat, dontWait: true)
        }
        guard now < deadline else { return nil }
        var poller = ZMQPoller()
        poller.add(socket)
        poller.add(handshake.watch.socket)
        let wait = min(deadline, nextHeartbeat) - now
        let ready = try poller.poll(timeoutMilliseconds: max(1, Int(wait.seconds * 1000)))
        if ready[1].contains(.readable) { try handshake.read() }
        guard ready[0].contains(.readable) else { return nil }
        return try socket.receive(dontWait: true)
    }
}
