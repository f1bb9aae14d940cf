public import Foundation
import GRDB

/// The outbox writes of one journal commit: a row per stored notification, suppressed when
/// its key is live (docs/ARCHITECTURE.md, "Notifications").
///
/// A key is live until the end of the day it expires on (a UTC day), and in any case for
/// `minimumKeyLife` after it was recorded: a review run today with a past as-of date
/// records keys whose day has already gone, and running it again the same month must
/// still emit nothing new. The later of the two is the row's `live_until`; a suppressed
/// row's is 0, since only the first of a key makes it live.
struct OutboxWrites {
    /// 35 days in milliseconds: a month and its transaction day.
    static let minimumKeyLife: Int64 = 35 * dayMilliseconds
    static let dayMilliseconds: Int64 = 86_400_000

    private let insert: Statement
    private let findLive: Statement

    init(_ db: Database) throws {
        insert = try db.cachedStatement(sql: """
            INSERT INTO outbox(dedup_key, job_id, batch_id, document_file, document_offset, document_length, suppressed_by, live_until,
                recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        findLive = try db.cachedStatement(sql: """
            SELECT id FROM outbox INDEXED BY outbox_key WHERE dedup_key = ? AND suppressed_by IS NULL AND live_until > ?
            ORDER BY id DESC LIMIT 1
            """)
    }

    /// `now` in milliseconds since 1970, as the commit records times.
    func record(_ completion: JournalCommit.Completion, now: Int64, in db: Database) throws {
        guard !completion.outbox.isEmpty, let jobRow = JobKey.row(completion.jobId) else { return }
        for document in completion.outbox where !document.key.dedupKey.isEmpty {
            let key = document.key.dedupKey
            let suppressedBy = try Int64.fetchOne(findLive, arguments: [key, now])
            // The end of the expiry day; `expiresOn` is an `Int32` day, so this cannot overflow.
            let dayEnds = (Int64(document.key.expiresOn) + 1) * Self.dayMilliseconds
            try insert.execute(arguments: [
                key, jobRow, completion.batchId, document.location.file, document.location.offset, document.location.length,
                suppressedBy, suppressedBy == nil ? max(dayEnds, now + Self.minimumKeyLife) : 0, now,
            ])
        }
    }
}

extension JobJournal {
    /// The outbox entry of the document of `batchId` whose line starts at `offset` of `file`
    /// (a store path as `ResultLocation` has it); nil when that document is no notification.
    /// It reads the batch's rows (no index is kept for this rare look-up, which would cost
    /// every commit a write), as a RESULTS look-up reads the keys sidecars.
    public func outboxEntry(batchId: String?, file: String, offset: Int64) throws(StoreError) -> OutboxEntry? {
        try read("outbox entry") { db in
            try Row.fetchOne(
                db, sql: """
                    SELECT \(OutboxEntry.columns) FROM outbox INDEXED BY outbox_batch
                    WHERE batch_id IS ? AND document_offset = ? AND document_file = ?
                    """,
                arguments: [batchId, offset, file]
            ).map(OutboxEntry.init(row:))
        }
    }
}
