import GRDB

/// The `job` rows one journal commit inserts and completes, written many rows per
/// statement (`RowGroups`): a statement per job was most of the dispatcher's journal time
/// under durable echo, where a turn commits thousands of jobs.
///
/// New rows get their ids here rather than from SQLite: the dispatcher is the journal's only
/// writer, and SQLite would give each new row one more than the largest id in the table, so
/// the ids (and every document naming them) are the ones a row-by-row insert got.
struct JobRowWrites {
    static let insertColumns = 11
    static let completionColumns = 7
    static let insertSQLs = RowGroups.sqls(insertSQL(rows:))
    static let completionSQLs = RowGroups.sqls(completionSQL(rows:))

    /// One completion for the batched UPDATE: its row and its values in `completionSQL`'s order.
    struct CompletedRow {
        var row: Int64
        var values: [DatabaseValue]
    }

    private var lastId: Int64?
    /// Queued rows' values, `insertColumns` per row.
    private var pending: [DatabaseValue] = []

    /// The id the next new row gets (the table's largest id is read once per commit).
    mutating func nextId(in db: Database) throws -> Int64 {
        let last = try lastId ?? Int64.fetchOne(db, sql: "SELECT MAX(id) FROM job") ?? 0
        guard last < Int64.max else { throw StoreError("the job table has no ids left") }
        lastId = last + 1
        return last + 1
    }

    /// Queues a row whose id came from `nextId`; written by `flush` (or when enough are queued).
    mutating func insert(_ values: [DatabaseValue], in db: Database) throws {
        pending += values
        if pending.count == RowGroups.steps[0] * Self.insertColumns { try flush(in: db) }
    }

    /// Inserts a row now (a job with an idempotency key: a later job of the same commit
    /// with the same key must find it).
    func insertNow(_ values: [DatabaseValue], in db: Database) throws {
        let statement = try db.cachedStatement(sql: Self.insertSQLs[Self.insertSQLs.count - 1])
        try RowGroups.bind(values[...], to: statement)
        try statement.execute()
    }

    /// Writes the queued rows.
    mutating func flush(in db: Database) throws {
        try RowGroups.write(pending[...], columns: Self.insertColumns, sqls: Self.insertSQLs, in: db) { try $0.execute() }
        pending.removeAll(keepingCapacity: true)
    }

    /// Marks the rows completed that are still queued, and returns those (a row twice in
    /// `rows` counts once, at its first place: the second completion finds it done, as it
    /// would row by row).
    static func complete(_ rows: [CompletedRow], in db: Database) throws -> Set<Int64> {
        var seen: Set<Int64> = []
        var values: [DatabaseValue] = []
        values.reserveCapacity(rows.count * completionColumns)
        for row in rows where seen.insert(row.row).inserted { values += row.values }
        var applied: Set<Int64> = []
        try RowGroups.write(values[...], columns: completionColumns, sqls: completionSQLs, in: db) { statement in
            let done = try Int64.fetchCursor(statement)
            while let row = try done.next() { applied.insert(row) }
        }
        return applied
    }

    static func insertSQL(rows: Int) -> String {
        """
        INSERT INTO job(id, kind, priority, idempotency_key, payload, state, submitted_at, batch_id, payload_file, payload_offset, payload_length,
            submitted_by) VALUES \(Array(repeating: "(?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ","))
        """
    }

    /// `v.column1` is the row, then attempts, finished_at, result_file, result_offset, result_length, result_list.
    static func completionSQL(rows: Int) -> String {
        """
        UPDATE job SET state = 1, attempts = v.column2, finished_at = v.column3, result_file = v.column4, result_offset = v.column5,
            result_length = v.column6, result_list = v.column7, error_code = NULL, error_message = NULL
        FROM (VALUES \(RowGroups.placeholders(rows: rows, columns: completionColumns))) AS v
        WHERE job.id = v.column1 AND job.state = 0
        RETURNING id
        """
    }
}
