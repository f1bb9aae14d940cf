public import Foundation
import GRDB

/// Where a subscriber of the notification feed (CTNP01) stands, durably.
public struct FeedCursor: Sendable, Equatable {
    /// Every deliverable notification with an id up to this one is acknowledged.
    public var ackedThrough: Int64
    /// The notifications acknowledged above ``ackedThrough``, ascending.
    public var ackedAbove: [Int64]

    public init(ackedThrough: Int64, ackedAbove: [Int64]) {
        self.ackedThrough = ackedThrough
        self.ackedAbove = ackedAbove
    }
}

/// The feed's cursors per subscriber name (tables `feed_subscriber` and `feed_ack`): what
/// makes its delivery at-least-once across restarts of either side (docs/PROTOCOL.md,
/// "Notification feed protocol"). An acknowledgement counts once `acknowledge` returned:
/// the ledger commits with `synchronous = FULL`, so the WAL was fsynced by then.
extension DeliveryLedger {
    /// The subscriber's cursor (0 and nothing above it for a name never seen), with at most
    /// `limit` of the ids acknowledged above it (the lowest).
    public func feedCursor(subscriber: String, limit: Int) throws(StoreError) -> FeedCursor {
        try read("feed cursor of \(subscriber)") { db in
            let through = try Int64.fetchOne(db, sql: "SELECT acked_through FROM feed_subscriber WHERE name = ?", arguments: [subscriber]) ?? 0
            let above = try Int64.fetchAll(db, sql: """
                SELECT outbox_id FROM feed_ack WHERE subscriber = ? AND outbox_id > ? ORDER BY outbox_id LIMIT ?
                """, arguments: [subscriber, through, limit])
            return FeedCursor(ackedThrough: through, ackedAbove: above)
        }
    }

    /// Records `ids` as acknowledged by `subscriber` and moves its cursor up to
    /// `ackedThrough` (never down), in one transaction; acknowledged ids the cursor now
    /// covers are deleted, so what is kept per subscriber is what lies above its cursor.
    public func acknowledge(_ ids: [Int64], subscriber: String, ackedThrough: Int64, now: Date) throws(StoreError) {
        try write("feed acknowledgements of \(subscriber)") { db in
            try db.execute(sql: """
                INSERT INTO feed_subscriber(name, acked_through, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET acked_through = max(acked_through, excluded.acked_through), updated_at = excluded.updated_at
                """, arguments: [subscriber, ackedThrough, Self.milliseconds(now)])
            let through = try Int64.fetchOne(db, sql: "SELECT acked_through FROM feed_subscriber WHERE name = ?", arguments: [subscriber]) ?? 0
            let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO feed_ack(subscriber, outbox_id) VALUES (?, ?)")
            for id in ids where id > through {
                try insert.execute(arguments: [subscriber, id])
            }
            try db.execute(sql: "DELETE FROM feed_ack WHERE subscriber = ? AND outbox_id <= ?", arguments: [subscriber, through])
        }
    }
}
