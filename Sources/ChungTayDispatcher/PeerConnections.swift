import ZeroMQ

/// Which peer of a ROUTER socket is on which connection, so the dispatcher learns that a
/// peer went away and can drop what it keeps for it (waits, reply slots, leases).
///
/// libzmq's ZMQ_ROUTER_NOTIFY would say so directly, but it is a draft option that
/// distribution builds of libzmq 4.3 reject. Instead the socket's monitor reports
/// ACCEPTED and DISCONNECTED with the connection's descriptor, and every message names the
/// descriptor it arrived on (``ReceivedMessage/connection``). Descriptors are reused, so
/// each is counted in generations: the n-th DISCONNECTED of a descriptor ends its n-th
/// accepted connection, and a peer is tied to the generation it was seen on.
///
/// libzmq emits DISCONNECTED after the connection's last message is in the socket's queue,
/// so a departure handed out once the socket has been read empty after it was noticed
/// (``takeDepartures()``) comes after the peer's last message: a worker's last RESULT is
/// handled before it is dropped. The dispatcher may take departures earlier (see
/// ``Dispatcher/run(shouldStop:)``); a message that then still comes from the closed
/// connection makes its peer a departure again, so nothing it added is left behind.
final class PeerConnections {
    private let events: ZMQSocket
    private var accepted: [Int32: Int] = [:]
    private var disconnected: [Int32: Int] = [:]
    private var peerOn: [Int32: (peer: [UInt8], generation: Int, key: String?)] = [:]
    private var connectionOf: [[UInt8]: Int32] = [:]
    /// A set: a peer that reconnects is taken off it at once, however many departures wait.
    private var departures: Set<[UInt8]> = []
    /// Handshakes that failed before any key was known (a NULL peer against a CURVE server,
    /// a wrong server key), since ``takeHandshakeFailures()``; those refused by ZAP are
    /// logged by the ZAP handler with their key.
    private var handshakeFailures = 0
    /// The socket's name, for logs.
    let name: String

    /// Call before `socket` binds, so no connection's events are missed. With `handshakes`
    /// (a CURVE socket) failed handshakes are counted too.
    init(monitoring socket: ZMQSocket, context: ZMQContext, name: String, handshakes: Bool = false) throws(ZMQError) {
        self.name = name
        let endpoint = "inproc://chungtay-peers-\(name)"
        let handshakeEvents: MonitorEvents = handshakes ? [.handshakeFailedNoDetail, .handshakeFailedProtocol] : []
        try socket.monitor(endpoint, events: MonitorEvents([.accepted, .disconnected]).union(handshakeEvents))
        events = try ZMQSocket(context: context, type: .pair)
        // libzmq's I/O thread blocks on a full monitor queue; events are a few dozen bytes
        // and are read every turn, so the queue is unbounded rather than able to stall I/O.
        try events.setReceiveHighWaterMark(0)
        try events.setLinger(milliseconds: 0)
        try events.connect(endpoint)
    }

    /// Peers on an open TCP or IPC connection that have sent a message.
    var count: Int { connectionOf.count }

    /// Records that `peer` sent a message on `connection` (nil for inproc peers, which are not
    /// tracked), with the connection's authenticated key (`User-Id`) when the socket is CURVE.
    func noteMessage(from peer: [UInt8], connection: Int32?, key: String? = nil) {
        guard let connection else { return }
        if let holder = peerOn[connection], holder.peer == peer { return }
        // A peer not yet tied to this connection: every event up to its accept is queued by now.
        readEvents()
        let generation = accepted[connection, default: 0]
        guard generation > disconnected[connection, default: 0] else {
            // Its connection already closed: nothing more will come from it.
            if connectionOf[peer] == nil { departures.insert(peer) }
            return
        }
        if let previous = connectionOf[peer], previous != connection { peerOn[previous] = nil }
        peerOn[connection] = (peer, generation, key)
        connectionOf[peer] = connection
        // A peer that set its own routing id may come back before its old connection's departure is handed out.
        departures.remove(peer)
    }

    /// Reads the monitor's events; departures noticed now are handed out by the next ``takeDepartures()``.
    func readEvents() {
        while let frames = try? events.receive(dontWait: true), let event = MonitorEvent(frames: frames) {
            let connection = Int32(bitPattern: event.value)
            if event.kind == .accepted {
                // A descriptor is reused only after it was closed: if its last connection ended
                // without a DISCONNECTED (libzmq closes some silently), it ended all the same.
                let previous = accepted[connection, default: 0]
                if disconnected[connection, default: 0] < previous { end(connection, generation: previous) }
                accepted[connection] = previous + 1
                continue
            }
            if event.kind == .handshakeFailedNoDetail || event.kind == .handshakeFailedProtocol {
                handshakeFailures &+= 1
                continue
            }
            guard event.kind == .disconnected else { continue }
            let generation = disconnected[connection, default: 0] + 1
            end(connection, generation: generation)
            // Every connection on this descriptor has ended: forget it, so memory follows open connections only.
            if generation == accepted[connection], peerOn[connection] == nil {
                accepted[connection] = nil
                disconnected[connection] = nil
            }
        }
    }

    /// Records that the `generation`-th connection on a descriptor ended, and its peer with it.
    private func end(_ connection: Int32, generation: Int) {
        disconnected[connection] = generation
        guard let holder = peerOn[connection], holder.generation == generation else { return }
        peerOn[connection] = nil
        connectionOf[holder.peer] = nil
        departures.insert(holder.peer)
    }

    /// The key (`User-Id`) of the connection `peer` is on, if it is tracked and has one.
    func key(of peer: [UInt8]) -> String? {
        connectionOf[peer].flatMap { peerOn[$0]?.key }
    }

    /// Failed handshakes since the last call.
    func takeHandshakeFailures() -> Int {
        defer { handshakeFailures = 0 }
        return handshakeFailures
    }

    /// The open connections (as of the last ``readEvents()``) with a key that `isRevoked`
    /// says may not stay, given the peer on it, to be closed.
    func connections(where isRevoked: (_ peer: [UInt8], _ key: String) -> Bool) -> [(connection: Int32, peer: [UInt8])] {
        peerOn.compactMap { connection, holder in
            guard let key = holder.key, isRevoked(holder.peer, key) else { return nil }
            return (connection, holder.peer)
        }
    }

    /// Peers whose connection ended, to be dropped. Called after reading the socket until
    /// it had nothing more (later than the ``readEvents()`` that noticed them), no message
    /// of theirs is still to come.
    func takeDepartures() -> [[UInt8]] {
        let gone = departures.filter { connectionOf[$0] == nil }.sorted { $0.lexicographicallyPrecedes($1) }
        departures.removeAll()
        return gone
    }
}
