import ChungTayStore
import ChungTayWire
import Collections

/// One session of the notification feed (CTNP01): a subscriber name on one connection, and
/// which notifications it holds.
///
/// The invariant that makes the cursor honest: every deliverable id in
/// (`cursor`, `readThrough`] is acknowledged on disk (`ackedAbove`), in flight (sent, not
/// acknowledged) or waiting to be sent (`unsent`), because the outbox is read in id order
/// and every entry read lands in one of the three. So the lowest id in flight or waiting,
/// less one, is a cursor every deliverable id below which is acknowledged (or `readThrough`
/// when nothing is out).
struct FeedSubscriber {
    let name: String
    let envelope: Envelope
    /// The connection's key (`User-Id`), with CURVE: a reload that revokes it ends the session.
    let key: String?
    /// Notifications it may hold unacknowledged (at most `NotificationFeedProtocol.maxWindow`).
    let window: Int
    var lastHeard: Double
    /// Durable: every deliverable id up to it is acknowledged.
    private(set) var cursor: Int64
    /// Durable: ids acknowledged above the cursor.
    private(set) var ackedAbove: Set<Int64>
    /// The highest outbox id read for this session.
    private(set) var readThrough: Int64
    /// Sent, not yet acknowledged.
    private(set) var inFlight: Set<Int64> = []
    /// Read from the outbox, not yet sent (a send that found the queue full, or a document
    /// that could not be read, is tried again), in id order.
    private(set) var unsent = Deque<OutboxEntry>()
    /// When to read the outbox next: at once while it gives what is asked for, else after
    /// `NotificationFeed.outboxPollInterval`.
    var nextRead = 0.0
    /// Whether the stall at `maxAckedAbove` was logged (once per stall).
    var stallLogged = false

    /// Most acknowledged ids kept above a cursor: past it no new notification is read for the
    /// session until the oldest one out is acknowledged, so a subscriber that never
    /// acknowledges one id cannot grow `feed_ack` without bound (by more than a window).
    static let maxAckedAbove = 10_000

    init(name: String, envelope: Envelope, key: String?, window: Int, durable: FeedCursor, now: Double) {
        self.name = name
        self.envelope = envelope
        self.key = key
        self.window = window
        lastHeard = now
        cursor = durable.ackedThrough
        ackedAbove = Set(durable.ackedAbove)
        readThrough = durable.ackedThrough
    }

    /// How many more notifications may go out now.
    var freeWindow: Int { isStalled ? 0 : max(0, window - inFlight.count - unsent.count) }

    /// Whether an id still out holds the cursor below `maxAckedAbove` acknowledged ones.
    /// With nothing out, reading goes on: it passes over the acknowledged ids, and the next
    /// acknowledgement moves the cursor past them.
    var isStalled: Bool { outstanding > 0 && ackedAbove.count >= Self.maxAckedAbove }

    /// Acknowledged ids the next outbox read passes over (those above what was read).
    var acknowledgedAhead: Int { ackedAbove.count { $0 > readThrough } }

    /// Notifications it holds: in flight or waiting to be sent.
    var outstanding: Int { inFlight.count + unsent.count }

    /// A page read from the outbox after `readThrough`: its deliverable entries acknowledged
    /// already are passed over, the others wait to be sent, and the read moves on to the
    /// page's last row (suppressed rows are not deliverable, so the invariant holds).
    mutating func take(_ page: NotificationOutbox.Page) {
        for entry in page.deliverable where entry.id > readThrough {
            if !ackedAbove.contains(entry.id) { unsent.append(entry) }
        }
        if let through = page.readThrough { readThrough = max(readThrough, through) }
    }

    /// The first `count` waiting entries went out.
    mutating func sent(_ count: Int) {
        for _ in 0..<min(count, unsent.count) { inFlight.insert(unsent.removeFirst().id) }
    }

    /// What an ACK of `ids` would make durable: the ids this session has in flight (others
    /// are stale or never sent, and ignored) and the cursor once they are acknowledged; nil
    /// when none is in flight.
    func acknowledgement(of ids: [UInt64]) -> (ids: [Int64], cursor: Int64)? {
        var acked: [Int64] = []
        var seen = Set<Int64>()
        for id in ids {
            guard id <= UInt64(Int64.max) else { continue }
            let id = Int64(id)
            if inFlight.contains(id), seen.insert(id).inserted { acked.append(id) }
        }
        guard !acked.isEmpty else { return nil }
        let remaining = inFlight.subtracting(seen)
        let lowest = [remaining.min(), unsent.first?.id].compactMap { $0 }.min()
        return (acked, lowest.map { $0 - 1 } ?? readThrough)
    }

    /// Applies an acknowledgement once it is on disk.
    mutating func acknowledged(_ ids: [Int64], cursor newCursor: Int64) {
        inFlight.subtract(ids)
        cursor = max(cursor, newCursor)
        ackedAbove.formUnion(ids)
        ackedAbove = ackedAbove.filter { $0 > cursor }
        if !isStalled { stallLogged = false }
    }
}
