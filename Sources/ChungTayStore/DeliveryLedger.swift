public import Foundation
import GRDB

/// The notifications' delivery: a row per recipient of every notification that is not
/// suppressed, with its channel, state and attempts, and the feed subscribers' cursors
/// (`DeliveryLedger+Feed.swift`).
///
/// A SQLite file of its own (`delivery.sqlite`, WAL, `synchronous = FULL`): the delivery
/// services write it from their own threads, and a delivery write never takes the
/// journal's write lock the dispatcher's group commits need. The journal's outbox says
/// *what* to deliver; this says *how far* delivery got. It is `Sendable` because its one
/// connection is a GRDB `DatabaseQueue`, which serialises every use of it.
public final class DeliveryLedger: @unchecked Sendable {
    let database: DatabaseQueue

    public init(path: String) throws(StoreError) {
        do {
            // `notifications print` records its recipients while the dispatcher runs: wait for each other.
            database = try DurableDatabase.writable(path: path, label: "chungtay.delivery", busyTimeout: 5, migrator: Self.migrator)
        } catch {
            throw StoreError("cannot open delivery ledger \(path): \(error)")
        }
    }

    /// Opens the ledger to read only, as `JobJournal(readingOnly:)` does the journal; nil
    /// when there is none yet (no delivery ever ran: every notification is pending).
    public init?(readingOnly path: String) throws(StoreError) {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            database = try DurableDatabase.readOnly(path: path, label: "chungtay.delivery.reader")
        } catch {
            throw StoreError("cannot open delivery ledger \(path) to read: \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE progress (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT INTO progress(name, value) VALUES ('installation', random() & 281474976710655);
                CREATE TABLE recipient_delivery (
                    outbox_id INTEGER NOT NULL,
                    recipient INTEGER NOT NULL,
                    role TEXT NOT NULL,
                    recipient_id TEXT,
                    channel TEXT NOT NULL,
                    address TEXT,
                    text TEXT,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (outbox_id, recipient)
                ) WITHOUT ROWID;
                CREATE INDEX recipient_delivery_due ON recipient_delivery(channel, next_attempt_at, outbox_id, recipient) WHERE state = 'pending';
                CREATE TABLE feed_subscriber (
                    name TEXT PRIMARY KEY, acked_through INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL
                );
                CREATE TABLE feed_ack (
                    subscriber TEXT NOT NULL, outbox_id INTEGER NOT NULL, PRIMARY KEY (subscriber, outbox_id)
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }

    /// This data directory's own id (48 random bits, drawn when the ledger was made), as 12
    /// hex digits: outbox ids start at 1 in every data directory, so what a gateway is told
    /// to de-duplicate by carries it (`SMSDelivery.reference`).
    public func installation() throws(StoreError) -> String {
        let value = try read("installation") { db in try Int64.fetchOne(db, sql: "SELECT value FROM progress WHERE name = 'installation'") ?? 0 }
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }

    /// The highest outbox id whose recipients the ledger holds: the `OutboxFollower` goes on after it.
    public func followedThrough() throws(StoreError) -> Int64 {
        try read("progress") { db in try Int64.fetchOne(db, sql: "SELECT value FROM progress WHERE name = 'followed'") ?? 0 }
    }

    /// Adds recipient rows and moves the follower's mark in one transaction, so a crash
    /// between the two can neither lose a notification nor add its recipients twice.
    public func addRecipients(_ rows: [RecipientDelivery], followedThrough: Int64) throws(StoreError) {
        try write("recipients") { db in
            let insert = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO recipient_delivery(outbox_id, recipient, role, recipient_id, channel, address, text, state, attempts,
                    next_attempt_at, last_error, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for row in rows {
                try insert.execute(arguments: [
                    row.key.outboxId, row.key.recipient, row.role, row.recipientId, row.channel, row.address, row.text,
                    row.state.rawValue, row.attempts, Self.milliseconds(row.nextAttemptAt) ?? 0, row.lastError,
                    Self.milliseconds(row.updatedAt),
                ])
            }
            try db.execute(
                sql: "INSERT INTO progress(name, value) VALUES ('followed', ?) ON CONFLICT(name) DO UPDATE SET value = MAX(value, excluded.value)",
                arguments: [followedThrough])
        }
    }

    /// Pending deliveries of a channel whose next attempt is due, in the order of the due
    /// index (first tries, whose time is 0, oldest notification first; then retries by time),
    /// so a page is read from the index without sorting every pending row.
    public func due(channel: String, now: Date, limit: Int) throws(StoreError) -> [RecipientDelivery] {
        try read("due deliveries") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.columns) FROM recipient_delivery
                WHERE state = 'pending' AND channel = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, outbox_id, recipient LIMIT ?
                """, arguments: [channel, Self.milliseconds(now), limit]
            ).map(Self.delivery(row:))
        }
    }

    /// Counts one more attempt of a pending delivery and what it came to. A delivery that is
    /// no longer pending is left as it is: an outcome arrives once per attempt.
    public func record(_ outcome: DeliveryOutcome, for key: RecipientDelivery.Key, now: Date) throws(StoreError) {
        let (state, next, error): (DeliveryState, Date?, String?) =
            switch outcome {
            case .delivered: (.delivered, nil, nil)
            case .retry(let at, let error): (.pending, at, error)
            case .failed(let error): (.failed, nil, error)
            }
        try write("delivery outcome") { db in
            try db.execute(sql: """
                UPDATE recipient_delivery SET state = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = COALESCE(?, last_error),
                    updated_at = ?
                WHERE outbox_id = ? AND recipient = ? AND state = 'pending'
                """, arguments: [state.rawValue, Self.milliseconds(next) ?? 0, error, Self.milliseconds(now), key.outboxId, key.recipient])
        }
    }

    /// Marks deliveries done outside a channel loop (printed lists and letters) as delivered.
    public func markDelivered(_ keys: [RecipientDelivery.Key], now: Date) throws(StoreError) {
        try write("printed deliveries") { db in
            let update = try db.cachedStatement(sql: """
                UPDATE recipient_delivery SET state = 'delivered', attempts = attempts + 1, updated_at = ?
                WHERE outbox_id = ? AND recipient = ? AND state = 'pending'
                """)
            for key in keys { try update.execute(arguments: [Self.milliseconds(now), key.outboxId, key.recipient]) }
        }
    }

    /// The recipient rows of these notifications, in recipient order; a notification the
    /// follower has not reached yet has none.
    public func deliveries(outboxIds: [Int64]) throws(StoreError) -> [Int64: [RecipientDelivery]] {
        guard !outboxIds.isEmpty else { return [:] }
        return try read("deliveries") { db in
            var found: [Int64: [RecipientDelivery]] = [:]
            for slice in JobJournal.slices(of: outboxIds) {
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT \(Self.columns) FROM recipient_delivery WHERE outbox_id IN (\(JobJournal.placeholders(slice.count))) ORDER BY outbox_id, recipient",
                    arguments: StatementArguments(Array(slice)))
                while let row = try rows.next() {
                    let delivery = Self.delivery(row: row)
                    found[delivery.key.outboxId, default: []].append(delivery)
                }
            }
            return found
        }
    }

    private static let columns = """
        outbox_id, recipient, role, recipient_id, channel, address, text, state, attempts, next_attempt_at, last_error, updated_at
        """

    private static func delivery(row: Row) -> RecipientDelivery {
        let next: Int64 = row[9]
        let updated: Int64 = row[11]
        return RecipientDelivery(
            key: .init(outboxId: row[0], recipient: row[1]), role: row[2], recipientId: row[3], channel: row[4], address: row[5],
            text: row[6], state: DeliveryState(rawValue: row[7]) ?? .pending, attempts: row[8],
            nextAttemptAt: next == 0 ? nil : date(next), lastError: row[10], updatedAt: date(updated))
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970 * 1000) }
    static func milliseconds(_ date: Date?) -> Int64? { date.map(milliseconds) }
    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    func read<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw StoreError("delivery ledger read of \(what) failed: \(error)")
        }
    }

    func write<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try database.write(body)
        } catch {
            throw StoreError("delivery ledger write of \(what) failed: \(error)")
        }
    }
}
