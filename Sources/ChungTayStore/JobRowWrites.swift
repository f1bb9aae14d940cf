import GRDB

/// The `job` rows one journal commit inserts and completes. New rows go many per statement
/// (`RowGroups`): a statement per job was most of the dispatcher's journal time under durable
/// echo, where a turn commits thousands of jobs. Completions go one per statement, bound
/// directly: a row found by its id costs SQLite less alone than inside `UPDATE … FROM
/// (VALUES …) RETURNING` (a join over the values, the returned ids held until the statement
/// ends): durable echo 3–11 % faster in four alternated pairs (docs/PERFORMANCE.md, step 18).
///
/// New rows get their ids here rather than from SQLite: the dispatcher is the journal's only
/// writer, and SQLite would give each new row one more than the largest id in the table, so
/// the ids (and every document naming them) are the ones a row-by-row insert got.
struct JobRowWrites {
    static let insertColumns = 11
    static let insertSQLs = RowGroups.sqls(insertSQL(rows:))

    /// One completion: its row and its values in `completionSQL`'s parameter order.
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
        try RowGroups.write(pending[...], columns: Self.insertColumns, sqls: Self.insertSQLs, in: db)
        pending.removeAll(keepingCapacity: true)
    }

    /// Marks the rows completed that are still queued, and returns those (a row twice in
    /// `rows` counts once, at its first place: the second completion finds it done).
    static func complete(_ rows: [CompletedRow], in db: Database) throws -> Set<Int64> {
        let statement = try db.cachedStatement(sql: completionSQL)
        var applied: Set<Int64> = []
        for row in rows {
            try RowGroups.bind(row.values[...], to: statement)
            try statement.execute()
            if db.changesCount == 1 { applied.insert(row.row) }
        }
        return applied
    }

    static func insertSQL(rows: Int) -> String {
        """
        INSERT INTO job(id, kind, priority, idempotency_key, payload, state, submitted_at, batch_id, payload_file, payload_offset, payload_length,
            submitted_by) VALUES \(Array(repeating: "(?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ","))
        """
    }

    /// `?1` is the row, then attempts, finished_at, result_file, result_offset, result_length, result_list.
    static let completionSQL = """
        UPDATE job SET state = 1, attempts = ?2, finished_at = ?3, result_file = ?4, result_offset = ?5,
            result_length = ?6, result_list = ?7, error_code = NULL, error_message = NULL
        WHERE id = ?1 AND state = 0
        """
}
