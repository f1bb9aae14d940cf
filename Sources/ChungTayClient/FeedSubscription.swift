public import ChungTayWire
public import ZeroMQ

/// A subscriber of the dispatcher's notification feed (CTNP01, docs/PROTOCOL.md
/// "Notification feed protocol"): every notification that was not suppressed, at least once,
/// each to be acknowledged with ``acknowledge(_:)`` once processed.
///
/// The feed resends what was not acknowledged durably when either side restarts. This
/// subscription hands each id to its caller once per process all the same: an id it handed
/// out and the caller acknowledged comes back only when the ACK was lost, and is then
/// acknowledged again without the caller seeing it; an id handed out and not yet
/// acknowledged is not handed out twice. What it remembers is pruned at the feed's durable
/// cursor (WELCOME and every HEARTBEAT carry it), so it stays within the feed's bounds.
///
/// Synchronous like `LogSubscription`: call ``next(timeout:)`` from one thread. It keeps the
/// session alive itself (a heartbeat every second), and says HELLO again when the feed no
/// longer knows it (`not_ready`: the dispatcher restarted, or forgot a silent subscriber).
/// The DEALER reconnects by itself, so a dispatcher that is down only means silence.
public final class FeedSubscription {
    public enum Event: Equatable, Sendable {
        /// The session is open: every notification up to `cursor` is acknowledged.
        case welcome(cursor: UInt64, window: Int)
        /// Notifications not handed out before, in id order.
        case notifications([FeedNotification])
    }

    public let endpoint: String
    public let subscriber: String
    public let window: UInt16
    /// The feed's durable cursor as last heard (0 before the first WELCOME).
    public private(set) var cursor: UInt64 = 0
    private let context: ZMQContext
    private let socket: ZMQSocket
    private var poll: HeartbeatingPoll
    private var lastHeard: ContinuousClock.Instant
    /// When the last HELLO went; a burst of `not_ready` (heartbeats queued while the feed was
    /// down) then brings one HELLO, not one each.
    private var lastHello: ContinuousClock.Instant
    /// Ids above the cursor handed to the caller and not acknowledged by it.
    private var handedOut: Set<UInt64> = []
    /// Ids above the cursor the caller acknowledged.
    private var acknowledged: Set<UInt64> = []

    /// Connects and says HELLO. With `curve`, the feed admits the connection only for an operator's key.
    public init(endpoint: String, subscriber: String, window: UInt16, curve: CurveClientKeys? = nil) throws(ClientError) {
        guard NotificationFeedProtocol.isValidName(subscriber) else {
            throw .refused(code: WireError.Code.malformed.rawValue, message: "a subscriber name is 1 to 64 of a-z, 0-9, '.', '_', '-'")
        }
        self.endpoint = endpoint
        self.subscriber = subscriber
        self.window = max(1, window)
        do {
            context = try ZMQContext()
            socket = try ZMQSocket(context: context, type: .dealer)
            try socket.setLinger(milliseconds: 0)
            try socket.setReceiveHighWaterMark(0)
            try socket.setMaxMessageSize(Int64(NotificationFeedProtocol.maxDocumentBytes) + 65536)
            try socket.setCurveClient(curve)
            let handshake = try HandshakeReport(monitoring: socket, context: context, name: "feed-subscription", endpoint: endpoint, curve: curve)
            poll = HeartbeatingPoll(socket: socket, handshake: handshake, interval: .seconds(NotificationFeedProtocol.heartbeatInterval),
                                    heartbeat: FeedMessage.heartbeat(cursor: nil).encode())
            try socket.connect(endpoint)
            _ = try socket.send(FeedMessage.hello(subscriber: subscriber, window: self.window).encode(), dontWait: true)
        } catch {
            throw .socket("\(error)")
        }
        lastHeard = .now
        lastHello = .now
    }

    /// How long the feed has said nothing (not even a heartbeat).
    public var silence: Duration { .now - lastHeard }

    /// What hearing nothing for `seconds` means: a rejected key when a handshake was closed meanwhile.
    public func silence(seconds: Double) -> ClientError {
        poll.handshake.silence(seconds: seconds)
    }

    /// The next event; nil when `timeout` passed without one.
    ///
    /// - Throws: `rejected` when the feed refused the handshake; `refused` for an error
    ///   reply other than `not_ready` and `storage`, which bring a new HELLO (`superseded`: another connection took this
    ///   subscriber name; `forbidden`; `too_many_subscribers`); `badReply` for a message
    ///   that does not decode.
    @available(*, noasync)
    public func next(timeout: Duration) throws(ClientError) -> Event? {
        let deadline = ContinuousClock.now + timeout
        do {
            while ContinuousClock.now < deadline {
                guard let frames = try poll.receive(until: deadline) else { continue }
                lastHeard = .now
                let message: FeedMessage
                do {
                    message = try FeedMessage.decode(frames[...])
                } catch {
                    throw ClientError.badReply("\(error)")
                }
                if let event = try handle(message) { return event }
            }
            return nil
        } catch let error as ClientError {
            throw error
        } catch {
            throw .socket("\(error)")
        }
    }

    private func handle(_ message: FeedMessage) throws -> Event? {
        switch message {
        case .welcome(let cursor, let window):
            advance(to: cursor)
            return .welcome(cursor: cursor, window: Int(window))
        case .heartbeat(let cursor):
            if let cursor { advance(to: cursor) }
            return nil
        case .notifications(let notifications):
            var fresh: [FeedNotification] = []
            var again: [UInt64] = []
            for notification in notifications where notification.id > cursor && !handedOut.contains(notification.id) {
                if acknowledged.contains(notification.id) {
                    again.append(notification.id)
                } else {
                    handedOut.insert(notification.id)
                    fresh.append(notification)
                }
            }
            if !again.isEmpty { _ = try socket.send(FeedMessage.ack(again).encode(), dontWait: true) }
            return fresh.isEmpty ? nil : .notifications(fresh)
        case .error(let code, _) where code == WireError.Code.notReady.rawValue || code == WireError.Code.storage.rawValue:
            if ContinuousClock.now - lastHello >= .seconds(NotificationFeedProtocol.heartbeatInterval) {
                lastHello = .now
                _ = try socket.send(FeedMessage.hello(subscriber: subscriber, window: window).encode(), dontWait: true)
            }
            return nil
        case .error(let code, let text):
            throw ClientError.refused(code: code, message: text)
        case .hello, .ack, .goodbye:
            throw ClientError.badReply("a subscriber's command from the feed")
        }
    }

    /// Forgets what the durable cursor covers.
    private func advance(to cursor: UInt64) {
        guard cursor > self.cursor else { return }
        self.cursor = cursor
        handedOut = handedOut.filter { $0 > cursor }
        acknowledged = acknowledged.filter { $0 > cursor }
    }

    /// Acknowledges notifications the caller has processed (at most
    /// `NotificationFeedProtocol.maxIdsPerAck` per message are sent). An ACK that does not
    /// reach the feed costs a resend, which this subscription acknowledges again by itself.
    public func acknowledge(_ ids: [UInt64]) throws(ClientError) {
        let ids = ids.filter { $0 > cursor }
        for id in ids {
            handedOut.remove(id)
            acknowledged.insert(id)
        }
        var start = 0
        while start < ids.count {
            let end = min(ids.count, start + NotificationFeedProtocol.maxIdsPerAck)
            do {
                _ = try socket.send(FeedMessage.ack(Array(ids[start..<end])).encode(), dontWait: true)
            } catch {
                throw .socket("\(error)")
            }
            start = end
        }
    }

    /// Tells the feed this subscriber leaves and closes the connection, giving the last ACKs
    /// and the GOODBYE up to a second to leave; what it did not acknowledge waits for its next HELLO.
    public func close() {
        _ = try? socket.send(FeedMessage.goodbye.encode(), dontWait: true)
        try? socket.setLinger(milliseconds: 1000)
        socket.close()
    }
}
