public import Foundation
import ChungTayWire
import GRDB

/// The outbox writes of one journal commit: a row per stored notification and, unless its
/// key is live, the key (docs/ARCHITECTURE.md, "Notifications").
///
/// A key is live until the end of the day it expires on (a UTC day), and in any case for
/// `minimumKeyLife` after it was recorded: a review run today with a past as-of date
/// records keys whose day has already gone, and running it again the same month must
/// still emit nothing new. The later of the two is stored as the key's `live_until`, so
/// the check and the pruning each read one indexed number.
struct OutboxWrites {
    /// 35 days in milliseconds: a month and its transaction day.
    static let minimumKeyLife: Int64 = 35 * dayMilliseconds
    static let dayMilliseconds: Int64 = 86_400_000

    private let insert: Statement
    private let findKey: Statement
    private let storeKey: Statement

    init(_ db: Database) throws {
        insert = try db.cachedStatement(sql: """
            INSERT INTO outbox(dedup_key, job_id, batch_id, document_file, document_offset, document_length, suppressed_by, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        findKey = try db.cachedStatement(sql: "SELECT first_id FROM outbox_key WHERE dedup_key = ? AND live_until > ?")
        storeKey = try db.cachedStatement(sql: """
            INSERT INTO outbox_key(dedup_key, first_id, live_until) VALUES (?, ?, ?)
            ON CONFLICT(dedup_key) DO UPDATE SET first_id = excluded.first_id, live_until = excluded.live_until
            """)
    }

    /// `now` in milliseconds since 1970, as the commit records times.
    func record(_ completion: JournalCommit.Completion, now: Int64, in db: Database) throws {
        guard !completion.outbox.isEmpty, let jobRow = JobKey.row(completion.jobId) else { return }
        for document in completion.outbox where !document.key.dedupKey.isEmpty {
            let key = document.key.dedupKey
            let suppressedBy = try Int64.fetchOne(findKey, arguments: [key, now])
            try insert.execute(arguments: [
                key, jobRow, completion.batchId, document.location.file, document.location.offset, document.location.length,
                suppressedBy, now,
            ])
            if suppressedBy == nil {
                // The end of the expiry day; `expiresOn` is an `Int32` day, so this cannot overflow.
                let dayEnds = (Int64(document.key.expiresOn) + 1) * Self.dayMilliseconds
                try storeKey.execute(arguments: [key, db.lastInsertedRowID, max(dayEnds, now + Self.minimumKeyLife)])
            }
        }
    }
}

extension JobJournal {
    /// The outbox entry of the document whose line starts at `offset` of `file` (a store
    /// path as `ResultLocation` has it); nil when that document is no notification.
    public func outboxEntry(file: String, offset: Int64) throws(StoreError) -> OutboxEntry? {
        try read("outbox entry") { db in
            try Row.fetchOne(
                db, sql: "SELECT \(OutboxEntry.columns) FROM outbox WHERE document_file = ? AND document_offset = ?",
                arguments: [file, offset]
            ).map(OutboxEntry.init(row:))
        }
    }

    /// Deletes up to `limit` keys that are no longer live, longest dead first, and says how
    /// many went: the key table then holds about a month of notifications, whatever the
    /// outbox's age. Called by the dispatcher between turns, a slice at a time.
    public func pruneOutboxKeys(now: Date, limit: Int) throws(StoreError) -> Int {
        do {
            return try database.write { db in
                try db.execute(sql: """
                    DELETE FROM outbox_key WHERE dedup_key IN (
                        SELECT dedup_key FROM outbox_key WHERE live_until <= ? ORDER BY live_until LIMIT ?)
                    """, arguments: [Int64(now.timeIntervalSince1970 * 1000), limit])
                return db.changesCount
            }
        } catch {
            throw StoreError("cannot prune outbox keys: \(error)")
        }
    }
}
