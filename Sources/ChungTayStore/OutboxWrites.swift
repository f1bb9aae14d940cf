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
    /// Keys per look-up and rows per INSERT: a chunk's notifications in a few cached
    /// statements. A statement per notification cost the dispatcher's thread seconds in a
    /// 1,000,000-household batch (~530,000 notifications), and so did compiling a statement
    /// sized to each result.
    static let rowsPerStatement = 64

    /// The last outbox id given out, so this commit's rows get the next ones: the dispatcher
    /// is the journal's only writer, so ids are assigned here rather than read back, and a
    /// repeat within the commit can name the row it repeats. Read at the first notification.
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

        // The live keys among this result's, a cached statement of `rowsPerStatement` keys at
        // a time (the last one padded with NULL, which matches nothing).
        let lookUp = try db.cachedStatement(sql: """
            SELECT dedup_key, MAX(id) FROM outbox INDEXED BY outbox_key
            WHERE suppressed_by IS NULL AND live_until > ? AND dedup_key IN (\(JobJournal.placeholders(Self.rowsPerStatement)))
            GROUP BY dedup_key
            """)
        let keys = Array(Set(documents.map(\.key.dedupKey)))
        var liveBefore: [String: Int64] = [:]
        for start in stride(from: 0, to: keys.count, by: Self.rowsPerStatement) {
            var arguments: [DatabaseValue] = [now.databaseValue]
            arguments += keys[start..<min(start + Self.rowsPerStatement, keys.count)].map(\.databaseValue)
            arguments += Array(repeating: .null, count: Self.rowsPerStatement + 1 - arguments.count)
            let rows = try Row.fetchCursor(lookUp, arguments: StatementArguments(arguments))
            while let row = try rows.next() { liveBefore[row[0]] = row[1] }
        }

        let columns = "INSERT INTO outbox(id, dedup_key, job_id, batch_id, document_file, document_offset, document_length, suppressed_by, live_until, recorded_at) VALUES "
        let many = try db.cachedStatement(sql: columns + Array(repeating: "(?,?,?,?,?,?,?,?,?,?)", count: Self.rowsPerStatement).joined(separator: ","))
        let one = try db.cachedStatement(sql: columns + "(?,?,?,?,?,?,?,?,?,?)")
        var values: [DatabaseValue] = []
        values.reserveCapacity(Self.rowsPerStatement * 10)
        // Whole groups through the many-row statement, the rest one by one.
        let inGroups = documents.count - documents.count % Self.rowsPerStatement
        for (index, document) in documents.enumerated() {
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
            if index >= inGroups || values.count == Self.rowsPerStatement * 10 {
                try (index >= inGroups ? one : many).execute(arguments: StatementArguments(values))
                values.removeAll(keepingCapacity: true)
            }
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
