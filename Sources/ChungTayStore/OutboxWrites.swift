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
    /// Keys per look-up: a chunk's notifications in a few runs of one cached statement.
    static let keysPerLookUp = 64
    static let columns = 10
    /// The rows' statements by `RowGroups` step: the rows of all the commit's results are
    /// written together, so a 1,000,000-household batch's ~530,000 notifications take a few
    /// statements per turn rather than one per notification left over from each result.
    static let insertSQLs = RowGroups.sqls { rows in
        """
        INSERT INTO outbox(id, dedup_key, job_id, batch_id, document_file, document_offset, document_length, suppressed_by, live_until,
            recorded_at) VALUES \(RowGroups.placeholders(rows: rows, columns: columns))
        """
    }
    static let lookUpSQL = """
        SELECT dedup_key, MAX(id) FROM outbox INDEXED BY outbox_key
        WHERE suppressed_by IS NULL AND live_until > ? AND dedup_key IN (\(JobJournal.placeholders(keysPerLookUp)))
        GROUP BY dedup_key
        """

    /// The last outbox id given out, so this commit's rows get the next ones: the dispatcher
    /// is the journal's only writer, so ids are assigned here rather than read back, and a
    /// repeat within the commit can name the row it repeats. Read at the first notification.
    private var lastId: Int64?
    /// Keys made live by rows of this commit, with the row: a row still waiting in `pending`
    /// suppresses a later one of its key from here, not from the table.
    private var liveInCommit: [String: Int64] = [:]
    /// Rows not written yet, `columns` values each, in `insertSQLs`' order.
    private var pending: [DatabaseValue] = []

    /// Queues the outbox rows of one result, writing each full group; `now` in milliseconds
    /// since 1970, as the commit records times. `flush` writes the rest.
    mutating func record(_ completion: JournalCommit.Completion, now: Int64, in db: Database) throws {
        guard let jobRow = JobKey.row(completion.jobId) else { return }
        let documents = completion.outbox.filter { !$0.key.dedupKey.isEmpty }
        guard !documents.isEmpty else { return }
        var lastId = try self.lastId ?? Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'") ?? 0
        defer { self.lastId = lastId }

        // The live keys among this result's that this commit has not made live, `keysPerLookUp`
        // at a time (the last look-up padded with NULL, which matches nothing).
        let lookUp = try db.cachedStatement(sql: Self.lookUpSQL)
        var keys: Set<String> = []
        for document in documents where liveInCommit[document.key.dedupKey] == nil { keys.insert(document.key.dedupKey) }
        let unseen = Array(keys)
        var liveBefore: [String: Int64] = [:]
        var arguments: [DatabaseValue] = []
        arguments.reserveCapacity(Self.keysPerLookUp + 1)
        for start in stride(from: 0, to: unseen.count, by: Self.keysPerLookUp) {
            arguments.removeAll(keepingCapacity: true)
            arguments.append(now.databaseValue)
            for key in unseen[start..<min(start + Self.keysPerLookUp, unseen.count)] { arguments.append(key.databaseValue) }
            while arguments.count < Self.keysPerLookUp + 1 { arguments.append(.null) }
            try RowGroups.bind(arguments[...], to: lookUp)
            let rows = try Row.fetchCursor(lookUp)
            while let row = try rows.next() { liveBefore[row[0]] = row[1] }
        }

        let batchId = completion.batchId.databaseValue
        pending.reserveCapacity(RowGroups.steps[0] * Self.columns)
        for document in documents {
            let key = document.key.dedupKey
            lastId += 1
            let suppressedBy = liveInCommit[key] ?? liveBefore[key]
            // The end of the expiry day; `expiresOn` is an `Int32` day, so this cannot overflow.
            let dayEnds = (Int64(document.key.expiresOn) + 1) * Self.dayMilliseconds
            if suppressedBy == nil { liveInCommit[key] = lastId }
            pending.append(lastId.databaseValue)
            pending.append(key.databaseValue)
            pending.append(jobRow.databaseValue)
            pending.append(batchId)
            pending.append(document.location.file.databaseValue)
            pending.append(document.location.offset.databaseValue)
            pending.append(document.location.length.databaseValue)
            pending.append(suppressedBy.databaseValue)
            pending.append((suppressedBy == nil ? max(dayEnds, now + Self.minimumKeyLife) : 0).databaseValue)
            pending.append(now.databaseValue)
            if pending.count == RowGroups.steps[0] * Self.columns { try flush(in: db) }
        }
    }

    /// Writes the queued rows: at each full group, and once a commit after its last `record`.
    mutating func flush(in db: Database) throws {
        try RowGroups.write(pending[...], columns: Self.columns, sqls: Self.insertSQLs, in: db)
        pending.removeAll(keepingCapacity: true)
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
