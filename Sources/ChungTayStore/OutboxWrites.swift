public import Foundation
import ChungTayWire
import GRDB

/// The outbox writes of one journal commit: a row per stored notification and, unless its
/// key is live, the key (docs/ARCHITECTURE.md, "Notifications").
///
/// A key is live until the end of the day it expires on, and in any case for
/// `minimumKeyLife` after it was recorded: a review run today with a past as-of date
/// records keys whose day has already gone, and running it again the same month must
/// still emit nothing new.
struct OutboxWrites {
    /// 35 days in milliseconds: a month and its transaction day.
    static let minimumKeyLife: Int64 = 35 * 86_400_000

    private let insert: Statement
    private let findKey: Statement
    private let storeKey: Statement

    init(_ db: Database) throws {
        insert = try db.cachedStatement(sql: """
            INSERT INTO outbox(dedup_key, job_id, batch_id, document_file, document_offset, document_length, suppressed_by, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        findKey = try db.cachedStatement(sql: "SELECT first_id, expires_on, recorded_at FROM outbox_key WHERE dedup_key = ?")
        storeKey = try db.cachedStatement(sql: """
            INSERT INTO outbox_key(dedup_key, first_id, expires_on, recorded_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(dedup_key) DO UPDATE SET first_id = excluded.first_id, expires_on = excluded.expires_on,
                recorded_at = excluded.recorded_at
            """)
    }

    /// `now` in milliseconds since 1970, as the commit records times.
    func record(_ completion: JournalCommit.Completion, now: Int64, in db: Database) throws {
        guard !completion.outbox.isEmpty, let jobRow = JobKey.row(completion.jobId) else { return }
        let today = now / 86_400_000
        for document in completion.outbox where !document.key.dedupKey.isEmpty {
            let key = document.key.dedupKey
            var suppressedBy: Int64?
            if let row = try Row.fetchOne(findKey, arguments: [key]) {
                let expiresOn: Int64 = row[1]
                let recordedAt: Int64 = row[2]
                if expiresOn >= today || now - recordedAt < Self.minimumKeyLife { suppressedBy = row[0] }
            }
            try insert.execute(arguments: [
                key, jobRow, completion.batchId, document.location.file, document.location.offset, document.location.length,
                suppressedBy, now,
            ])
            if suppressedBy == nil {
                try storeKey.execute(arguments: [key, db.lastInsertedRowID, Int64(document.key.expiresOn), now])
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

    /// Deletes up to `limit` keys that are no longer live, oldest expiry first, and says how
    /// many went: the key table then holds about a month of notifications, whatever the
    /// outbox's age. Called by the dispatcher between turns, a slice at a time.
    public func pruneOutboxKeys(now: Date, limit: Int) throws(StoreError) -> Int {
        let milliseconds = Int64(now.timeIntervalSince1970 * 1000)
        do {
            return try database.write { db in
                try db.execute(sql: """
                    DELETE FROM outbox_key WHERE rowid IN (
                        SELECT rowid FROM outbox_key WHERE expires_on < ? AND recorded_at < ? ORDER BY expires_on LIMIT ?)
                    """, arguments: [milliseconds / 86_400_000, milliseconds - OutboxWrites.minimumKeyLife, limit])
                return db.changesCount
            }
        } catch {
            throw StoreError("cannot prune outbox keys: \(error)")
        }
    }
}
