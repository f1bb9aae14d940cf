import ChungTayAccess
import ChungTayStore
import ChungTayWire
import Foundation
import Logging
import ZeroMQ

/// The notification feed's loop: a ROUTER speaking CTNP01 (docs/PROTOCOL.md, "Notification
/// feed protocol"), the sessions of at most `maxSessions` subscriber names, and the outbox
/// and ledger it reads and writes. It runs on a thread of its own with a context of its own
/// (``NotificationFeed``), so nothing here waits on, or holds up, the dispatcher's thread.
///
/// An acknowledgement counts only once the ledger committed it (fsync); a session sends in
/// id order, never more than its window unacknowledged, and everything it had out goes
/// again on the name's next HELLO.
final class FeedServer {
    private let socket: ZMQSocket
    let boundEndpoint: String
    private let ledger: DeliveryLedger
    private let outbox: NotificationOutbox
    private let logger: Logger
    private let access: AccessControl?
    /// With CURVE, the allow list as last taken from `access` (when its generation moved).
    private var allowList: AllowList?
    private var allowGeneration = 0
    private var sessions: [[UInt8]: FeedSubscriber] = [:]
    /// Which connection holds each name's session.
    private var holders: [String: [UInt8]] = [:]
    private var nextHeartbeat = 0.0
    /// The ledger failed: a line per failure would flood the log, so one until it works again.
    private var storageFailing = false

    /// Most subscriber names with a session; more get `too_many_subscribers`.
    static let maxSessions = 16
    /// Messages queued per subscriber: the window's notifications (at least one per
    /// message) and heartbeats; past it a send fails and is tried again next turn.
    static let sendHighWaterMark: Int32 = 1024
    /// A subscriber's request is a HELLO, ACK (at most 8,000 octets of ids), HEARTBEAT or GOODBYE.
    static let requestLimits = MessageLimits(maxFrames: 8, maxBytes: 16 << 10)
    /// Messages read per turn.
    static let readsPerTurn = 256
    /// Seconds between outbox reads for a session that is caught up.
    static let outboxPollInterval = 0.2

    init(context: ZMQContext, endpoint: String, ledger: DeliveryLedger, outbox: NotificationOutbox,
         curve: NotificationFeed.Curve?, logger: Logger) throws(ZMQError) {
        self.ledger = ledger
        self.outbox = outbox
        self.logger = logger
        access = curve?.access
        socket = try ZMQSocket(context: context, type: .router)
        try socket.setLinger(milliseconds: 0)
        try socket.setSendHighWaterMark(Self.sendHighWaterMark)
        try socket.setReceiveHighWaterMark(100)
        try socket.setMaxMessageSize(Int64(Self.requestLimits.maxBytes) + 4096)
        // A full queue fails the send (EAGAIN): the notifications stay unsent and go next
        // turn. A departed peer fails with EHOSTUNREACH and its session ends.
        try socket.setRouterMandatory(true)
        if let curve {
            try socket.makeCurveServer(curve.keyPair, domain: .feed)
            allowList = curve.access.list
            allowGeneration = curve.access.generation
        }
        try socket.bindOwnerOnly(endpoint)
        boundEndpoint = try socket.lastEndpoint
    }

    /// Serves until `shouldStop` answers true (or the ZAP handler guarding the socket ends).
    @available(*, noasync)
    func run(shouldStop: () -> Bool, zapServing: () -> Bool) throws(ZMQError) {
        logger.info("notification feed ready", metadata: ["endpoint": "\(boundEndpoint)"])
        var poller = ZMQPoller()
        poller.add(socket)
        while !shouldStop() {
            guard zapServing() else {
                logger.critical("the feed's ZAP handler stopped; the notification feed stops (start the dispatcher again)")
                return
            }
            let ready = try poller.poll(timeoutMilliseconds: Int(Self.outboxPollInterval * 1000))
            let now = ProcessInfo.processInfo.systemUptime
            takeAllowList()
            if ready[0].contains(.readable) { try readRequests(now: now) }
            expireAndBeat(now: now)
            for peer in Array(sessions.keys) { deliver(to: peer, now: now) }
        }
        for session in sessions.values { forget(session.envelope.routingId, because: "feed stopping") }
    }

    /// With CURVE, the list after a reload: sessions whose key it no longer admits end.
    private func takeAllowList() {
        guard let access, access.generation != allowGeneration else { return }
        allowGeneration = access.generation
        let list = access.list
        allowList = list
        for (peer, session) in sessions where !list.admitsOperator(session.key) { forget(peer, because: "key revoked") }
    }

    private func readRequests(now: Double) throws(ZMQError) {
        for _ in 0..<Self.readsPerTurn {
            guard var message = try socket.receive(limits: Self.requestLimits, dontWait: true, userId: access != nil) else { return }
            if let access { message.userId = access.userIds.key(in: message.userId) }
            guard let peer = message.frames.first, let (envelope, body) = try? Envelope.split(message.frames) else { continue }
            if let allowList, !allowList.admitsOperator(message.userId) {
                forget(peer, because: "key not allowed")
                refuse(envelope, WireError(.forbidden, "the notification feed needs an operator key (operators/ in the allow directory)"))
                continue
            }
            if message.oversize != nil {
                refuse(envelope, WireError(.tooLarge, "a CTNP01 request exceeds \(Self.requestLimits.maxBytes) bytes"))
                continue
            }
            let request: FeedMessage
            do {
                request = try FeedMessage.decode(body)
            } catch {
                refuse(envelope, error)
                continue
            }
            switch request {
            case .hello(let name, let window):
                hello(envelope, name: name, window: Int(window), key: message.userId, now: now)
            case .ack(let ids):
                guard sessions[peer] != nil else {
                    refuse(envelope, WireError(.notReady, "no session; say HELLO"))
                    continue
                }
                sessions[peer]?.lastHeard = now
                acknowledge(ids, from: peer)
            case .heartbeat:
                if sessions[peer] != nil {
                    sessions[peer]?.lastHeard = now
                } else {
                    refuse(envelope, WireError(.notReady, "no session; say HELLO"))
                }
            case .goodbye:
                forget(peer, because: "goodbye")
            case .welcome, .notifications, .error:
                refuse(envelope, WireError(.unknownCommand, "that command goes from the feed to subscribers"))
            }
        }
    }

    /// A new session from the durable cursor; a name held on another connection is taken over.
    private func hello(_ envelope: Envelope, name: String, window: Int, key: String?, now: Double) {
        let peer = envelope.routingId
        if let previous = sessions[peer] { forget(peer, because: previous.name == name ? "said HELLO again" : "renamed") }
        if let holder = holders[name], let previous = sessions[holder] {
            forget(holder, because: "taken over by a new connection")
            refuse(previous.envelope, WireError(.superseded, "another connection said HELLO as \(name)"))
        }
        guard sessions.count < Self.maxSessions else {
            refuse(envelope, WireError(.tooManySubscribers, "the notification feed has sessions for \(Self.maxSessions) subscribers"))
            return
        }
        let durable: FeedCursor
        do {
            durable = try ledger.feedCursor(subscriber: name, limit: FeedSubscriber.maxAckedAbove + NotificationFeedProtocol.maxWindow)
        } catch {
            storageFailed(error)
            refuse(envelope, WireError(.storage, "the feed cannot read its cursor; say HELLO again later"))
            return
        }
        let granted = min(window, NotificationFeedProtocol.maxWindow)
        let session = FeedSubscriber(name: name, envelope: envelope, key: key, window: granted, durable: durable, now: now)
        guard send(FeedMessage.welcome(cursor: UInt64(durable.ackedThrough), window: UInt16(granted)).encode(), to: envelope) else { return }
        sessions[peer] = session
        holders[name] = peer
        logger.info("feed subscriber arrived", metadata: ["subscriber": "\(name)", "ackedThrough": "\(durable.ackedThrough)", "window": "\(granted)"])
    }

    /// Writes what the ACK acknowledges (fsync) before it counts; a write that fails ends
    /// the session, so the subscriber says HELLO again and what it acknowledged comes again.
    private func acknowledge(_ ids: [UInt64], from peer: [UInt8]) {
        guard let session = sessions[peer], let (acked, cursor) = session.acknowledgement(of: ids) else { return }
        do {
            try ledger.acknowledge(acked, subscriber: session.name, ackedThrough: cursor, now: Date())
        } catch {
            storageFailed(error)
            forget(peer, because: "acknowledgement not written")
            return
        }
        storageFailing = false
        sessions[peer]?.acknowledged(acked, cursor: cursor)
    }

    private func storageFailed(_ error: StoreError) {
        guard !storageFailing else { return }
        storageFailing = true
        logger.error("the notification feed cannot use the delivery ledger", metadata: ["error": "\(error)"])
    }

    /// Once a second: forgets silent sessions and tells the others their durable cursor.
    private func expireAndBeat(now: Double) {
        guard now >= nextHeartbeat else { return }
        nextHeartbeat = now + NotificationFeedProtocol.heartbeatInterval
        let silence = NotificationFeedProtocol.heartbeatInterval * Double(NotificationFeedProtocol.heartbeatLiveness)
        for (peer, session) in sessions where now - session.lastHeard > silence { forget(peer, because: "silent") }
        for session in sessions.values {
            _ = send(FeedMessage.heartbeat(cursor: UInt64(session.cursor)).encode(), to: session.envelope)
        }
    }

    /// Reads the outbox as far as the session's window allows and sends what waits, in id order.
    private func deliver(to peer: [UInt8], now: Double) {
        guard var session = sessions[peer] else { return }
        if session.freeWindow > 0, now >= session.nextRead {
            // Enough rows for the free window even when every acknowledged id ahead is among them.
            let wanted = session.freeWindow + session.acknowledgedAhead
            do {
                let page = try outbox.page(after: session.readThrough, limit: wanted)
                session.take(page)
                session.nextRead = page.rowsRead < wanted ? now + Self.outboxPollInterval : now
            } catch {
                storageFailed(error)
                session.nextRead = now + Self.outboxPollInterval
            }
        }
        if session.isStalled, !session.stallLogged {
            session.stallLogged = true
            logger.notice("feed subscriber holds back: \(FeedSubscriber.maxAckedAbove) notifications acknowledged after one still unacknowledged", metadata: [
                "subscriber": "\(session.name)", "ackedThrough": "\(session.cursor)",
            ])
        }
        let (sent, gone) = sendWaiting(session)
        // A peer found gone during the sends was forgotten then.
        guard !gone else { return }
        session.sent(sent)
        sessions[peer] = session
    }

    /// Sends the session's waiting entries in NOTIFICATIONS messages within the caps; stops
    /// at a full queue or a document that cannot be read (both tried again next turn).
    /// Returns how many went, and whether the peer is gone.
    private func sendWaiting(_ session: FeedSubscriber) -> (sent: Int, gone: Bool) {
        var sent = 0
        var batch: [FeedNotification] = []
        var bytes = 0
        func flush() -> Bool {
            guard !batch.isEmpty else { return true }
            let ok = send(FeedMessage.notifications(batch).encode(), to: session.envelope)
            if ok { sent += batch.count }
            batch.removeAll(keepingCapacity: true)
            bytes = 0
            return ok
        }
        for entry in session.unsent {
            let document: [UInt8]
            do {
                document = try outbox.document(of: entry)
            } catch {
                storageFailed(error)
                break
            }
            guard document.count <= NotificationFeedProtocol.maxDocumentBytes, ResultDocumentCheck.isSingleLineObject(document) else {
                // Stored documents pass this check when written: one that does not is damage
                // a person must look at, and the feed must not skip it.
                storageFailed(StoreError("notification \(entry.id) in the store is not a one-line JSON object of at most 16 MiB"))
                break
            }
            if !batch.isEmpty, batch.count >= NotificationFeedProtocol.maxNotificationsPerMessage
                || bytes + document.count > NotificationFeedProtocol.maxBytesPerMessage {
                guard flush() else { return (sent, sessions[session.envelope.routingId] == nil) }
            }
            batch.append(FeedNotification(id: UInt64(entry.id), document: document))
            bytes += document.count
        }
        _ = flush()
        return (sent, sessions[session.envelope.routingId] == nil)
    }

    /// Ends a session; what it had out waits for the name's next HELLO.
    private func forget(_ peer: [UInt8], because reason: String) {
        guard let session = sessions.removeValue(forKey: peer) else { return }
        if holders[session.name] == peer { holders[session.name] = nil }
        logger.info("feed subscriber gone", metadata: [
            "subscriber": "\(session.name)", "reason": "\(reason)", "ackedThrough": "\(session.cursor)",
            "unacknowledged": "\(session.outstanding)",
        ])
    }

    private func refuse(_ envelope: Envelope, _ error: WireError) {
        _ = send(FeedMessage.error(code: error.code.rawValue, message: error.message).encode(), to: envelope)
    }

    /// False when the peer's queue is full or it is gone (then its session ends).
    private func send(_ frames: [[UInt8]], to envelope: Envelope) -> Bool {
        do {
            return try socket.send(envelope.wrap(frames), dontWait: true)
        } catch {
            forget(envelope.routingId, because: "unreachable")
            return false
        }
    }
}
