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
    /// Rows per INSERT and keys per look-up: a chunk's notifications in a few statements
    /// (a 1,000,000-household batch stores ~530,000, and a statement per notification
    /// cost the dispatcher's thread seconds), within SQLite's 32,766 variables.
    static let rowsPerStatement = 500

    /// The last outbox id given out, so this commit's rows get the next ones: the dispatcher
    /// is the journal's only writer, so ids are assigned here rather than read back, and a
    /// repeat within the commit can name the row it repeats.
    /// Read at the commit's first notification.
    private var lastId: Int64?
    /// Keys made live by rows of this commit, with the row.
    private var liveInCommit: [String: Int64] = [:]

    /// `now` in milliseconds since 1970, as the commit records times.
    mutating func record(_ completion: JournalCommit.Completion, now: Int64, in db: Database) throws {
        guard let jobRow = JobKey.row(completion.jobId) else { return }
        let documents = completion.outbox.filter { !$0.key.dedupKey.isEmpty }
        guard !documents.isEmpty else { return }
        var lastId = try self.lastId ?? Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'") ?? 0
        defer { self.lastId = lastId }
        var liveBefore: [String: Int64] = [:]
        for start in stride(from: 0, to: documents.count, by: Self.rowsPerStatement) {
            let keys = Array(Set(documents[start..<min(start + Self.rowsPerStatement, documents.count)].map(\.key.dedupKey)))
            let rows = try Row.fetchCursor(db, sql: """
                SELECT dedup_key, MAX(id) FROM outbox INDEXED BY outbox_key
                WHERE suppressed_by IS NULL AND live_until > ? AND dedup_key IN (\(JobJournal.placeholders(keys.count)))
                GROUP BY dedup_key
                """, arguments: StatementArguments([now] + keys))
            while let row = try rows.next() { liveBefore[row[0]] = row[1] }
        }
        var values: [DatabaseValue] = []
        values.reserveCapacity(Self.rowsPerStatement * 10)
        func flush() throws {
            guard !values.isEmpty else { return }
            let count = values.count / 10
            try db.execute(
                sql: """
                    INSERT INTO outbox(id, dedup_key, job_id, batch_id, document_file, document_offset, document_length, suppressed_by,
                        live_until, recorded_at) VALUES \(Array(repeating: "(?,?,?,?,?,?,?,?,?,?)", count: count).joined(separator: ","))
                    """,
                arguments: StatementArguments(values))
            values.removeAll(keepingCapacity: true)
        }
        for document in documents {
            let key = document.key.dedupKey
            lastId += 1
            let suppressedBy = liveInCommit[key] ?? liveBefore[key]
            // The end of the expiry day; `expiresOn` is an `Int32` day, so this cannot overflow.
            let dayEnds = (Int64(document.key.expiresOn) + 1) * Self.dayMilliseconds
            if suppressedBy == nil { liveInCommit[key] = lastId }
            values += [
                lastId.databaseValue, key.databaseValue, jobRow.databaseValue, completion.batchId.databaseValue,
                document.location.file.databaseValue, document.location.offset.databaseValue, document.location.length.databaseValue,
                suppressedBy.databaseValue, (suppressedBy == nil ? max(dayEnds, now + Self.minimumKeyLife) : 0).databaseValue,
                now.databaseValue,
            ]
            if values.count == Self.rowsPerStatement * 10 { try flush() }
        }
        try flush()
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
