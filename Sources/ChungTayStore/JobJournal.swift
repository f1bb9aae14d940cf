import Foundation
import ChungTayWire
import GRDB

/// The durable queue: every accepted job, its state, attempts and where its result lies.
///
/// SQLite in WAL mode with `synchronous = FULL`, so a returned `commit` means the WAL
/// was fsynced: that is the moment a client may be acknowledged. The dispatcher
/// gathers everything one loop turn produced (submissions, completions, failures)
/// into one `commit`, so many jobs share one fsync (group commit).
///
/// Used from the dispatcher's loop thread only.
public final class JobJournal {
    let database: DatabaseQueue

    public init(path: String) throws(StoreError) {
        do {
            database = try DurableDatabase.writable(path: path, label: "chungtay.journal", migrator: Self.migrator)
        } catch {
            throw StoreError("cannot open job journal \(path): \(error)")
        }
    }

    /// Opens the journal of a dispatcher that may be running, to read only (`SegmentReader`):
    /// SQLite opens it read-only and nothing is migrated, so no write lock is ever taken,
    /// and in WAL mode a reader does not hold up the dispatcher's commits. A stopped
    /// dispatcher's journal gets SQLite's empty `-wal` and shared-memory files back (a WAL
    /// reader needs them; they carry the journal's permissions and the next dispatcher
    /// simply uses them).
    public init(readingOnly path: String) throws(StoreError) {
        do {
            database = try DurableDatabase.readOnly(path: path, label: "chungtay.journal.reader")
        } catch {
            throw StoreError("cannot open job journal \(path) to read: \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE job (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    priority INTEGER NOT NULL,
                    idempotency_key TEXT UNIQUE,
                    payload BLOB NOT NULL,
                    state INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    not_before INTEGER NOT NULL DEFAULT 0,
                    submitted_at INTEGER NOT NULL,
                    finished_at INTEGER,
                    error_code TEXT,
                    error_message TEXT,
                    result_file TEXT,
                    result_offset INTEGER,
                    result_length INTEGER,
                    result_list INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX job_queued ON job(id) WHERE state = 0;
                CREATE INDEX job_dead ON job(id) WHERE state = 2;
                CREATE TABLE segment (file TEXT PRIMARY KEY, committed INTEGER NOT NULL);
                CREATE TABLE kind (name TEXT PRIMARY KEY);
                """)
        }
        migrator.registerMigration("v2-batches") { db in
            try db.execute(sql: """
                ALTER TABLE job ADD COLUMN batch_id TEXT;
                CREATE TABLE batch (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL UNIQUE,
                    as_of TEXT NOT NULL,
                    what_if INTEGER NOT NULL,
                    submitted_by TEXT NOT NULL,
                    inputs TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    sealed_at INTEGER,
                    household_chunks INTEGER,
                    loan_chunks INTEGER,
                    input_errors INTEGER,
                    completed_at INTEGER,
                    summary_file TEXT,
                    summary_offset INTEGER,
                    summary_length INTEGER
                );
                CREATE TABLE batch_counter (
                    batch_seq INTEGER NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL,
                    PRIMARY KEY (batch_seq, name)
                ) WITHOUT ROWID;
                CREATE TABLE batch_worker (
                    batch_seq INTEGER NOT NULL, worker TEXT NOT NULL, PRIMARY KEY (batch_seq, worker)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3-payload-files") { db in
            try db.execute(sql: """
                ALTER TABLE job ADD COLUMN payload_file TEXT;
                ALTER TABLE job ADD COLUMN payload_offset INTEGER;
                ALTER TABLE job ADD COLUMN payload_length INTEGER;
                """)
        }
        // Who submitted a job (`ROLE/NAME`) when the dispatcher authenticates clients (CURVE);
        // NULL without it, and for the follow-ups of a batch, which belong to the batch's owner.
        migrator.registerMigration("v4-submitted-by") { db in
            try db.execute(sql: "ALTER TABLE job ADD COLUMN submitted_by TEXT")
        }
        // The notifications outbox (docs/ARCHITECTURE.md, "Notifications"): a row per stored
        // notification, in commit order (AUTOINCREMENT: ids are never reused, so a feed cursor
        // only moves forward). The live keys are the rows not suppressed, found through a
        // partial index of their keys: three B-tree writes per notification in all, on the
        // dispatcher's commit.
        migrator.registerMigration("v5-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    dedup_key TEXT NOT NULL,
                    job_id INTEGER NOT NULL,
                    batch_id TEXT,
                    document_file TEXT NOT NULL,
                    document_offset INTEGER NOT NULL,
                    document_length INTEGER NOT NULL,
                    suppressed_by INTEGER,
                    live_until INTEGER NOT NULL,
                    recorded_at INTEGER NOT NULL
                );
                CREATE INDEX outbox_batch ON outbox(batch_id, id);
                CREATE INDEX outbox_key ON outbox(dedup_key) WHERE suppressed_by IS NULL;
                """)
        }
        return migrator
    }

    /// Applies one loop turn's changes in a single transaction: submissions (with their
    /// batch counters), completions (with their follow-up jobs, counters, document keys and
    /// the batch's worker), failures and segment ends.
    public func commit(_ commit: JournalCommit) throws(StoreError) -> JournalReceipt {
        do {
            return try database.write { db in
                var receipt = JournalReceipt()
                receipt.submissions.reserveCapacity(commit.submissions.count)
                let now = Int64(commit.now.timeIntervalSince1970 * 1000)
                let batchWrites = try BatchWrites(db)
                var outbox = OutboxWrites()
                for kind in commit.newKinds {
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO kind(name) VALUES (?)").execute(arguments: [kind])
                }
                let segment = try db.cachedStatement(sql: """
                    INSERT INTO segment(file, committed) VALUES (?, ?) ON CONFLICT(file) DO UPDATE SET committed = excluded.committed
                    """)
                for (file, end) in commit.segmentEnds {
                    try segment.execute(arguments: [file, end])
                }
                let findKey = try db.cachedStatement(sql: "SELECT id FROM job WHERE idempotency_key = ?")
                var rows = JobRowWrites()
                // A new row's values in `JobRowWrites.insertSQL`'s order. A payload written to a payload
                // segment is referenced, not copied into the row.
                func newRow(_ id: Int64, _ job: JobSpec, key: String?, batchId: String?, _ location: ResultLocation?, submitter: String?)
                    -> [DatabaseValue] {
                    let priority = Int64(job.priority).databaseValue
                    let kind = job.kind.databaseValue
                    let key = key?.databaseValue ?? .null
                    let batch = batchId?.databaseValue ?? .null
                    let submitter = submitter?.databaseValue ?? .null
                    guard let location else {
                        return [id.databaseValue, kind, priority, key, Data(job.payload).databaseValue, now.databaseValue, batch, .null, .null, .null, submitter]
                    }
                    return [
                        id.databaseValue, kind, priority, key, Data().databaseValue, now.databaseValue, batch,
                        location.file.databaseValue, location.offset.databaseValue, location.length.databaseValue, submitter,
                    ]
                }
                for (index, job) in commit.submissions.enumerated() {
                    if let key = job.idempotencyKey, let existing = try Int64.fetchOne(findKey, arguments: [key]) {
                        receipt.submissions.append(SubmitReceipt(jobId: JobKey.id(existing), existed: true))
                        continue
                    }
                    let location = index < commit.payloadLocations.count ? commit.payloadLocations[index] : nil
                    let submitter = index < commit.submitters.count ? commit.submitters[index] : nil
                    let id = try rows.nextId(in: db)
                    let values = newRow(id, job, key: job.idempotencyKey, batchId: job.batchId, location, submitter: submitter)
                    if job.idempotencyKey == nil {
                        try rows.insert(values, in: db)
                    } else {
                        try rows.insertNow(values, in: db)
                    }
                    receipt.submissions.append(SubmitReceipt(jobId: JobKey.id(id), existed: false))
                    if let batchId = job.batchId { try batchWrites.add(job.counters, to: batchId) }
                }
                // A completion applies only if its job was still queued (`JobRowWrites.complete`).
                let completed = try JobRowWrites.complete(commit.completions.compactMap { completion in
                    JobKey.row(completion.jobId).map { row in
                        JobRowWrites.CompletedRow(row: row, values: [
                            row.databaseValue, Int64(completion.attempts).databaseValue, now.databaseValue,
                            completion.location.file.databaseValue, completion.location.offset.databaseValue,
                            completion.location.length.databaseValue, completion.isList.databaseValue,
                        ])
                    }
                }, in: db)
                var completedFirst: Set<Int64> = []
                for completion in commit.completions {
                    guard let row = JobKey.row(completion.jobId), completed.contains(row), completedFirst.insert(row).inserted else {
                        receipt.followUps.append(nil)
                        continue
                    }
                    var followUpIds: [UInt64] = []
                    for (index, job) in completion.followUps.enumerated() {
                        let location = index < completion.followUpLocations.count ? completion.followUpLocations[index] : nil
                        let id = try rows.nextId(in: db)
                        try rows.insert(newRow(id, job, key: nil, batchId: completion.batchId, location, submitter: nil), in: db)
                        followUpIds.append(JobKey.id(id))
                    }
                    receipt.followUps.append(followUpIds)
                    try outbox.record(completion, now: now, in: db)
                    if let batchId = completion.batchId {
                        try batchWrites.add(completion.counters, to: batchId)
                        try batchWrites.record(worker: completion.worker, for: batchId)
                    }
                }
                try rows.flush(in: db)
                try outbox.flush(in: db)
                let fail = try db.cachedStatement(sql: """
                    UPDATE job SET state = ?, attempts = ?, not_before = ?, error_code = ?, error_message = ?, finished_at = ?
                    WHERE id = ? AND state = 0
                    """)
                for failure in commit.failures {
                    guard let row = JobKey.row(failure.jobId) else { continue }
                    try fail.execute(arguments: [
                        failure.dead ? JobState.dead.rawValue : JobState.queued.rawValue,
                        Int64(failure.attempts), failure.notBefore.map { Int64($0.timeIntervalSince1970 * 1000) } ?? 0,
                        failure.code, failure.message, failure.dead ? now : nil, row,
                    ])
                }
                return receipt
            }
        } catch {
            throw StoreError("journal commit failed: \(error)")
        }
    }

    /// Every queued job, oldest first, without payloads: what a restarted dispatcher must run again.
    public func queuedJobs() throws(StoreError) -> [QueuedJob] {
        try read("queued jobs") { db in
            try Row.fetchAll(db, sql: "SELECT id, kind, priority, attempts, not_before, batch_id, COALESCE(payload_length, length(payload)) FROM job WHERE state = 0 ORDER BY id")
                .map(QueuedJob.init(row:))
        }
    }

    /// The payload segment files that queued or dead jobs still need (a dead job can be
    /// retried). The partial indexes keep this proportional to those jobs, not to the journal.
    public func payloadFilesInUse() throws(StoreError) -> Set<String> {
        try read("payload files in use") { db in
            Set(try String.fetchAll(db, sql: """
                SELECT payload_file FROM job INDEXED BY job_queued WHERE state = 0 AND payload_file IS NOT NULL
                UNION SELECT payload_file FROM job INDEXED BY job_dead WHERE state = 2 AND payload_file IS NOT NULL
                """))
        }
    }

    /// Where each job's payload is: in its row, or at a location in the payload segments.
    public enum StoredPayload: Sendable, Equatable {
        case inline([UInt8])
        case segment(ResultLocation)
    }

    public func payloads(for ids: [UInt64]) throws(StoreError) -> [UInt64: StoredPayload] {
        let rows = ids.compactMap(JobKey.row)
        guard !rows.isEmpty else { return [:] }
        return try read("payloads") { db in
            var payloads: [UInt64: StoredPayload] = [:]
            for slice in Self.slices(of: rows) {
                let found = try Row.fetchCursor(
                    db, sql: "SELECT id, payload, payload_file, payload_offset, payload_length FROM job WHERE id IN (\(Self.placeholders(slice.count)))",
                    arguments: StatementArguments(slice))
                while let row = try found.next() {
                    let id = JobKey.id(row[0])
                    if let file: String = row[2] {
                        payloads[id] = .segment(ResultLocation(file: file, offset: row[3], length: row[4]))
                    } else {
                        let payload: Data = row[1]
                        payloads[id] = .inline([UInt8](payload))
                    }
                }
            }
            return payloads
        }
    }

    public func job(_ id: UInt64) throws(StoreError) -> JobRecord? {
        try jobs([id])[id]
    }

    public func jobs(_ ids: [UInt64]) throws(StoreError) -> [UInt64: JobRecord] {
        try read("jobs") { db in
            var records: [UInt64: JobRecord] = [:]
            let statement = try db.cachedStatement(sql: "SELECT \(JobRecord.columns) FROM job WHERE id = ?")
            for id in ids {
                guard let key = JobKey.row(id) else { continue }
                if let row = try Row.fetchOne(statement, arguments: [key]) {
                    records[id] = JobRecord(row: row)
                }
            }
            return records
        }
    }

    public func deadLetters(limit: Int) throws(StoreError) -> [JobRecord] {
        try read("dead letters") { db in
            try Row.fetchAll(db, sql: "SELECT \(JobRecord.columns) FROM job WHERE state = 2 ORDER BY id LIMIT ?", arguments: [limit])
                .map(JobRecord.init(row:))
        }
    }

    /// Moves dead letters (the listed ones, or all when `ids` is empty) back to the queue with fresh attempts.
    /// Listed ids that cannot name a job, and repeats, are skipped like any id that is not a dead letter.
    /// At most `limit` jobs are requeued per call, lowest id first, so one request cannot hold the
    /// dispatcher's thread for long; the caller asks again for the rest.
    public func requeueDeadLetters(_ ids: [UInt64], limit: Int) throws(StoreError) -> [QueuedJob] {
        let columns = "id, kind, priority, 0, 0, batch_id, COALESCE(payload_length, length(payload))"
        let rows = Array(Set(ids.compactMap(JobKey.row))).sorted()
        do {
            return try database.write { db in
                var selected: [Row] = []
                if ids.isEmpty {
                    selected = try Row.fetchAll(db, sql: "SELECT \(columns) FROM job WHERE state = 2 ORDER BY id LIMIT ?", arguments: [limit])
                } else {
                    for slice in Self.slices(of: rows) where selected.count < limit {
                        selected += try Row.fetchAll(
                            db, sql: "SELECT \(columns) FROM job WHERE state = 2 AND id IN (\(Self.placeholders(slice.count))) ORDER BY id LIMIT ?",
                            arguments: StatementArguments(Array(slice) + [Int64(limit - selected.count)]))
                    }
                }
                let requeue = try db.cachedStatement(sql: """
                    UPDATE job SET state = 0, attempts = 0, not_before = 0, error_code = NULL, error_message = NULL, finished_at = NULL WHERE id = ?
                    """)
                for row in selected { try requeue.execute(arguments: [row[0] as Int64]) }
                return selected.map(QueuedJob.init(row:))
            }
        } catch {
            throw StoreError("requeue of dead letters failed: \(error)")
        }
    }

    /// Row ids in slices small enough for one `IN (…)` list: SQLite caps the variables of
    /// a statement, and a RETRY-DEAD-LETTERS frame may list any number of ids.
    static func slices(of rows: [Int64]) -> [ArraySlice<Int64>] {
        stride(from: 0, to: rows.count, by: 500).map { rows[$0..<min($0 + 500, rows.count)] }
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }

    /// Committed end of every store segment, for `ResultStore`'s recovery.
    public func committedSegments() throws(StoreError) -> [String: Int64] {
        try read("segments") { db in
            var ends: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT file, committed FROM segment") { ends[row[0]] = row[1] }
            return ends
        }
    }

    /// Records a new segment file with nothing committed yet (see `ResultStore.registerSegment`).
    public func registerSegment(_ file: String) throws(StoreError) {
        do {
            try database.write { db in
                try db.execute(sql: "INSERT INTO segment(file, committed) VALUES (?, 0) ON CONFLICT(file) DO NOTHING", arguments: [file])
            }
        } catch {
            throw StoreError("cannot record segment \(file) in the journal: \(error)")
        }
    }

    /// Makes the outbox's next ids larger than `floor` (its AUTOINCREMENT sequence only ever
    /// grows): a restored journal must not hand out again the ids a lost dispatcher may have
    /// given to notifications after its backup (`DataDirectoryRestore`).
    public func raiseOutboxIds(toAtLeast floor: Int64) throws(StoreError) {
        do {
            try database.write { db in
                try db.execute(sql: "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'outbox'", arguments: [floor])
                if db.changesCount == 0 {
                    try db.execute(sql: "INSERT INTO sqlite_sequence(name, seq) VALUES ('outbox', ?)", arguments: [floor])
                }
            }
        } catch {
            throw StoreError("cannot move the outbox's ids on: \(error)")
        }
    }

    /// Kinds that a worker has announced at some time, so jobs for them are accepted while no worker is connected.
    public func knownKinds() throws(StoreError) -> Set<String> {
        try read("kinds") { db in Set(try String.fetchAll(db, sql: "SELECT name FROM kind")) }
    }

    /// Number of jobs by kind and state, to seed the dispatcher's counters at start.
    public func counts() throws(StoreError) -> [String: [JobState: Int]] {
        try read("counts") { db in
            var counts: [String: [JobState: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, state, COUNT(*) FROM job GROUP BY kind, state") {
                if let state = JobState(rawValue: row[1]) { counts[row[0], default: [:]][state] = row[2] }
            }
            return counts
        }
    }

    func read<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw StoreError("journal read of \(what) failed: \(error)")
        }
    }
}
