import ChungTayAccess
import ChungTayRuntime
import ChungTayWire
import Collections
import Logging
import ZeroMQ

/// The dispatcher's log bus: a ROUTER on the log endpoint speaking CTLP01 (docs/PROTOCOL.md,
/// "Log protocol"), the last `LogProtocol.ringCapacity` records (the dispatcher's own and
/// those workers sent) for late joiners, and the subscribers that follow new records.
///
/// Everything here runs on the dispatcher thread once per turn: records gathered during
/// the turn go out together. Sends never wait: a subscriber whose queue
/// (`sendHighWaterMark` messages) is full loses the records (counted), so a slow or stopped
/// `chungtay logs` costs the dispatcher a failed send, never a task's time.
final class LogBus {
    struct Subscriber {
        var envelope: Envelope
        var filter: LogFilter
        var lastHeard: Double
        var dropped = 0
        /// Its connection's key (`User-Id`), with CURVE: a reload that revokes it ends the subscription.
        var key: String?
    }

    /// A record and its encoding, made once and sent to every subscriber as is.
    struct Entry {
        var record: LogRecord
        var bytes: [UInt8]
    }

    let socket: ZMQSocket
    let peers: PeerConnections
    let boundEndpoint: String
    /// The dispatcher's own records, as its log handler hands them over.
    private let sink: LogSink?
    private let logger: Logger
    private var ring = Deque<Entry>()
    /// Encoded bytes of the records in the ring.
    private var ringBytes = 0
    /// Records gathered this turn, published at its end (at most `ringCapacity`).
    private var fresh = Deque<Entry>()
    private var followers: [[UInt8]: Subscriber] = [:]
    private var nextHeartbeat = 0.0
    /// Worker LOG bytes read this turn; past `logBytesPerTurn` the rest are not decoded.
    private var logBytesThisTurn = 0
    /// Records a subscriber's full queue lost.
    private var droppedOnSend = 0
    /// Records dropped on the bus: over `LogRecord.maxEncodedBytes`, pushed out of a turn's
    /// `fresh` before publishing, or in LOG messages past the turn's budget.
    private var droppedOnBus = 0
    /// With CURVE, the operators' keys as the dispatcher last loaded them: every SUBSCRIBE
    /// and HEARTBEAT is checked against it. Nil without CURVE: nothing is checked.
    var allowList: AllowList?
    /// With CURVE, which `User-Id`s this process's ZAP handler gave (the rest are refused).
    var userIds: ZAPUserIds?

    /// Most subscribers following at once; more get `too_many_subscribers`.
    static let maxSubscribers = 16
    /// Most connected peers served a tail: each may hold a queue of RECORDS, so past it a
    /// new peer's SUBSCRIBE gets `too_many_subscribers` (a few bytes) instead.
    static let maxPeers = 64
    /// Messages queued per subscriber before records are dropped for it. Every peer that
    /// connects gets such a queue (ZeroMQ keeps one per connection, followers or not), so
    /// a stopped peer holds at most 64 RECORDS of at most 256 KiB (16 MiB); records are
    /// usually a few hundred bytes, so in practice far less.
    static let sendHighWaterMark: Int32 = 64
    /// Messages read from the socket per turn.
    static let readsPerTurn = 64
    /// SUBSCRIBEs served per turn: each may scan the whole ring; the rest wait in the
    /// socket for the next turns, so a flood of them cannot hold the task path.
    static let subscriptionsPerTurn = 2
    /// Most encoded bytes the ring holds (besides its record count): 10,000 records of up
    /// to 16 KiB would be 160 MiB.
    static let ringByteCapacity = 16 << 20
    /// Worker LOG bytes decoded per turn; past it LOG messages are dropped unread (counted
    /// as one record each, the least they carried).
    static let logBytesPerTurn = 4 << 20

    init(context: ZMQContext, endpoint: String, curve: CurveKeyPair? = nil, sink: LogSink?, logger: Logger) throws(ZMQError) {
        self.sink = sink
        self.logger = logger
        socket = try ZMQSocket(context: context, type: .router)
        try socket.setLinger(milliseconds: 0)
        try socket.setSendHighWaterMark(Self.sendHighWaterMark)
        try socket.setReceiveHighWaterMark(100)
        try socket.setMaxMessageSize(Int64(LogFilter.maxEncodedBytes) + 4096)
        // A full queue then fails the send (EAGAIN), which is counted; a departed peer fails
        // with EHOSTUNREACH and is forgotten.
        try socket.setRouterMandatory(true)
        peers = try PeerConnections(monitoring: socket, context: context, name: "logs", handshakes: curve != nil)
        if let curve { try socket.makeCurveServer(curve, domain: .log) }
        try socket.bindOwnerOnly(endpoint)
        boundEndpoint = try socket.lastEndpoint
    }

    /// Records lost on the way: the dispatcher's own buffer full, dropped on the bus, or a
    /// subscriber's queue full.
    var droppedCount: Int { droppedOnSend &+ droppedOnBus &+ (sink?.droppedCount ?? 0) }

    var subscriberCount: Int { followers.count }

    /// Records from a worker, published at the end of the turn.
    func received(_ records: [LogRecord]) {
        for record in records { admit(record) }
    }

    /// Whether the worker message in `frames` (a ROUTER message, envelope first) is a LOG
    /// past this turn's budget: then it is dropped without being decoded. Called for every
    /// worker message, so the common case is a few integer comparisons and no allocation.
    func skipsLog(_ frames: [[UInt8]]) -> Bool {
        let at = frames.count > 1 && frames[1].isEmpty ? 2 : 1
        guard at + 1 < frames.count, frames[at + 1].count == 1, frames[at + 1][0] == WorkerProtocol.Command.log.rawValue,
              frames[at] == WorkerProtocol.header else { return false }
        var bytes = 0
        for frame in frames[(at + 2)...] { bytes &+= frame.count }
        logBytesThisTurn &+= bytes
        guard logBytesThisTurn > Self.logBytesPerTurn else { return false }
        droppedOnBus &+= 1
        return true
    }

    /// Queues a record for the end of the turn, unless its encoding is over the cap every
    /// reader enforces; past `ringCapacity` in one turn the oldest are dropped.
    private func admit(_ record: LogRecord) {
        let entry = Entry(record: record, bytes: record.encode())
        guard entry.bytes.count <= LogRecord.maxEncodedBytes else {
            droppedOnBus &+= 1
            return
        }
        if fresh.count >= LogProtocol.ringCapacity {
            fresh.removeFirst()
            droppedOnBus &+= 1
        }
        fresh.append(entry)
    }

    /// Once per turn: reads subscribers' requests, publishes the turn's records, sends
    /// heartbeats and forgets subscribers that went silent or left.
    func serve(now: Double) {
        logBytesThisTurn = 0
        readRequests(now: now)
        for peer in peers.takeDepartures() { forget(peer, because: "disconnected") }
        if let sink {
            for record in sink.takeAll() { admit(record) }
        }
        if !fresh.isEmpty { publish() }
        if now >= nextHeartbeat {
            nextHeartbeat = now + LogProtocol.heartbeatInterval
            let silence = LogProtocol.heartbeatInterval * Double(LogProtocol.heartbeatLiveness)
            for (peer, subscriber) in followers where now - subscriber.lastHeard > silence { forget(peer, because: "silent") }
            for subscriber in followers.values { _ = send(LogMessage.heartbeat.encode(), to: subscriber.envelope) }
        }
    }

    private func publish() {
        let batch = Array(fresh)
        fresh.removeAll(keepingCapacity: true)
        for entry in batch {
            while let first = ring.first, ring.count >= LogProtocol.ringCapacity || ringBytes + entry.bytes.count > Self.ringByteCapacity {
                ringBytes -= first.bytes.count
                ring.removeFirst()
            }
            ring.append(entry)
            ringBytes += entry.bytes.count
        }
        for (peer, subscriber) in followers {
            let lost = sendRecords(batch.filter { subscriber.filter.matches($0.record) }, to: subscriber.envelope)
            if lost > 0 { followers[peer]?.dropped += lost }
        }
    }

    private func readRequests(now: Double) {
        var subscriptions = 0
        for _ in 0..<Self.readsPerTurn where subscriptions < Self.subscriptionsPerTurn {
            let limits = MessageLimits(maxFrames: 8, maxBytes: LogFilter.maxEncodedBytes + 1024)
            guard var message = try? socket.receive(limits: limits, dontWait: true, userId: allowList != nil) else {
                return
            }
            if let userIds { message.userId = userIds.key(in: message.userId) }
            guard let peer = message.frames.first, let (envelope, body) = try? Envelope.split(message.frames) else { continue }
            peers.noteMessage(from: peer, connection: message.connection, key: message.userId)
            if let allowList, !allowList.admitsOperator(message.userId) {
                forget(peer, because: "key not allowed")
                refuse(envelope, WireError(.forbidden, "the log bus needs an operator key (operators/ in the allow directory)"))
                continue
            }
            if message.oversize != nil {
                refuse(envelope, WireError(.tooLarge, "a CTLP01 request exceeds \(LogFilter.maxEncodedBytes + 1024) bytes"))
                continue
            }
            let request: LogMessage
            do {
                request = try LogMessage.decode(body)
            } catch {
                refuse(envelope, error)
                continue
            }
            switch request {
            case .subscribe(let subscription):
                subscriptions += 1
                subscribe(envelope, subscription, key: message.userId, now: now)
            case .heartbeat:
                if followers[peer] != nil {
                    followers[peer]?.lastHeard = now
                } else {
                    refuse(envelope, WireError(.notReady, "not subscribed; send SUBSCRIBE"))
                }
            case .cancel:
                forget(peer, because: "cancelled")
            case .records, .tailEnd, .error:
                refuse(envelope, WireError(.unknownCommand, "that command goes from the dispatcher to subscribers"))
            }
        }
    }

    /// A reloaded allow list: followers whose key it no longer lists as an operator stop
    /// getting records at once (their connections are closed too).
    func allowListReloaded(_ list: AllowList) {
        allowList = list
        for (peer, subscriber) in followers where !list.admitsOperator(subscriber.key) {
            forget(peer, because: "key revoked")
        }
    }

    /// Stops following a subscriber; what it lost is worth a line when it lost anything.
    private func forget(_ peer: [UInt8], because reason: String) {
        guard let subscriber = followers.removeValue(forKey: peer) else { return }
        let level: Logger.Level = subscriber.dropped > 0 ? .notice : .info
        logger.log(level: level, "log subscriber gone", metadata: ["reason": "\(reason)", "recordsDropped": "\(subscriber.dropped)"])
    }

    private func subscribe(_ envelope: Envelope, _ subscription: LogSubscriptionRequest, key: String?, now: Double) {
        if subscription.follow, followers[envelope.routingId] == nil, followers.count >= Self.maxSubscribers {
            refuse(envelope, WireError(.tooManySubscribers, "the log bus has \(Self.maxSubscribers) subscribers following"))
            return
        }
        if followers[envelope.routingId] == nil, peers.count > Self.maxPeers {
            refuse(envelope, WireError(.tooManySubscribers, "the log bus has \(Self.maxPeers) peers connected"))
            return
        }
        let wanted = min(Int(subscription.tail), LogProtocol.ringCapacity)
        var tail: [Entry] = []
        if wanted > 0 {
            for entry in ring.reversed() where subscription.filter.matches(entry.record) {
                tail.append(entry)
                if tail.count == wanted { break }
            }
            tail.reverse()
        }
        let lost = sendRecords(tail, to: envelope)
        _ = send(LogMessage.tailEnd.encode(), to: envelope)
        if subscription.follow {
            followers[envelope.routingId] = Subscriber(envelope: envelope, filter: subscription.filter, lastHeard: now, dropped: lost, key: key)
        } else {
            followers[envelope.routingId] = nil
        }
    }

    /// Sends the entries in RECORDS messages within the per-message caps; returns how many were lost.
    private func sendRecords(_ entries: [Entry], to envelope: Envelope) -> Int {
        var lost = 0
        var start = 0
        while start < entries.count {
            var frames: [[UInt8]] = [LogProtocol.header, [LogProtocol.Command.records.rawValue]]
            var bytes = 0
            var end = start
            while end < entries.count, end - start < LogProtocol.maxRecordsPerMessage,
                  end == start || bytes + entries[end].bytes.count <= LogProtocol.maxBytesPerMessage {
                frames.append(entries[end].bytes)
                bytes += entries[end].bytes.count
                end += 1
            }
            if !send(frames, to: envelope) {
                lost += end - start
                droppedOnSend &+= end - start
            }
            start = end
        }
        return lost
    }

    private func refuse(_ envelope: Envelope, _ error: WireError) {
        _ = send(LogMessage.error(code: error.code.rawValue, message: error.message).encode(), to: envelope)
    }

    /// False when the peer's queue is full or it is gone (then it is forgotten).
    private func send(_ frames: [[UInt8]], to envelope: Envelope) -> Bool {
        do {
            return try socket.send(envelope.wrap(frames), dontWait: true)
        } catch {
            forget(envelope.routingId, because: "unreachable")
            return false
        }
    }
}
