public import Foundation
public import ChungTayWire
import GRDB

/// A batch as the journal holds it: what was submitted, by whom, and how far it got.
public struct BatchRecord: Sendable, Equatable {
    public var seq: Int64
    public var id: String
    public var name: String
    public var asOf: String
    public var whatIf: Bool
    public var submittedBy: String
    public var inputs: [String]
    public var createdAt: Date
    public var sealedAt: Date?
    public var householdChunks: Int?
    public var loanChunks: Int?
    public var inputErrors: Int?
    public var completedAt: Date?
    public var summary: ResultLocation?

    /// `B000001`: short, sortable, and its sequence number is the journal's key.
    public static func id(seq: Int64) -> String {
        let digits = String(seq)
        return "B" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    static let columns = """
        seq, id, name, as_of, what_if, submitted_by, inputs, created_at, sealed_at, household_chunks, loan_chunks,
        input_errors, completed_at, summary_file, summary_offset, summary_length
        """

    init(row: Row) {
        seq = row[0]
        id = row[1]
        name = row[2]
        asOf = row[3]
        whatIf = (row[4] as Int64) != 0
        submittedBy = row[5]
        let inputText: String = row[6]
        inputs = inputText.isEmpty ? [] : inputText.components(separatedBy: "\n")
        createdAt = Self.date(row[7])!
        sealedAt = Self.date(row[8])
        householdChunks = row[9]
        loanChunks = row[10]
        inputErrors = row[11]
        completedAt = Self.date(row[12])
        if let file: String = row[13] {
            summary = ResultLocation(file: file, offset: row[14], length: row[15])
        }
    }

    private static func date(_ milliseconds: Int64?) -> Date? {
        milliseconds.map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }
}

/// The batch-related writes of one journal commit, with their statements prepared once.
struct BatchWrites {
    private let addCounter: Statement
    private let addWorker: Statement

    init(_ db: Database) throws {
        addCounter = try db.cachedStatement(sql: """
            INSERT INTO batch_counter(batch_seq, name, value) VALUES (?, ?, ?)
            ON CONFLICT(batch_seq, name) DO UPDATE SET value = value + excluded.value
            """)
        addWorker = try db.cachedStatement(sql: "INSERT OR IGNORE INTO batch_worker(batch_seq, worker) VALUES (?, ?)")
    }

    func add(_ counters: [Counter], to batchId: String) throws {
        guard !counters.isEmpty, let seq = JobJournal.seq(of: batchId) else { return }
        for counter in counters { try addCounter.execute(arguments: [seq, counter.name, counter.value]) }
    }

    func record(worker: String, for batchId: String) throws {
        guard !worker.isEmpty, let seq = JobJournal.seq(of: batchId) else { return }
        try addWorker.execute(arguments: [seq, worker])
    }
}

extension JobJournal {
    static func seq(of batchId: String) -> Int64? {
        guard batchId.first == "B" else { return nil }
        return Int64(batchId.dropFirst())
    }

    /// Opens a new batch, or returns the batch of that name (resuming it); `existed` says which.
    public func openBatch(_ opening: BatchOpening, now: Date) throws(StoreError) -> (record: BatchRecord, existed: Bool) {
        do {
            return try database.write { db in
                if let row = try Row.fetchOne(db, sql: "SELECT \(BatchRecord.columns) FROM batch WHERE name = ?", arguments: [opening.name]) {
                    return (BatchRecord(row: row), true)
                }
                let (seq, overflow) = (try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM batch") ?? 0).addingReportingOverflow(1)
                guard !overflow else { throw StoreError("journal table batch: no batch number left after \(Int64.max)") }
                try db.execute(sql: """
                    INSERT INTO batch(seq, id, name, as_of, what_if, submitted_by, inputs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [seq, BatchRecord.id(seq: seq), opening.name, opening.asOf, opening.whatIf, opening.submittedBy,
                                     opening.inputs.joined(separator: "\n"), Int64(now.timeIntervalSince1970 * 1000)])
                let row = try Row.fetchOne(db, sql: "SELECT \(BatchRecord.columns) FROM batch WHERE seq = ?", arguments: [seq])!
                return (BatchRecord(row: row), false)
            }
        } catch {
            throw StoreError("cannot open batch '\(opening.name)': \(error)")
        }
    }

    /// Records that every chunk was submitted. Sealing again with the same counts is harmless.
    public func sealBatch(_ sealing: BatchSealing, now: Date) throws(StoreError) {
        try write("seal batch \(sealing.batchId)") { db in
            try db.execute(sql: """
                UPDATE batch SET sealed_at = COALESCE(sealed_at, ?), household_chunks = ?, loan_chunks = ?, input_errors = ? WHERE id = ?
                """, arguments: [Int64(now.timeIntervalSince1970 * 1000), sealing.householdChunks, sealing.loanChunks,
                                 sealing.inputErrors, sealing.batchId])
        }
    }

    /// Marks the batch complete with its summary document, committing the summary's segment end with it.
    public func completeBatch(_ batchId: String, summary: ResultLocation, segmentEnds: [String: Int64], now: Date) throws(StoreError) {
        try write("complete batch \(batchId)") { db in
            for (file, end) in segmentEnds {
                try db.execute(sql: """
                    INSERT INTO segment(file, committed) VALUES (?, ?) ON CONFLICT(file) DO UPDATE SET committed = excluded.committed
                    """, arguments: [file, end])
            }
            try db.execute(sql: """
                UPDATE batch SET completed_at = ?, summary_file = ?, summary_offset = ?, summary_length = ? WHERE id = ?
                """, arguments: [Int64(now.timeIntervalSince1970 * 1000), summary.file, summary.offset, summary.length, batchId])
        }
    }

    /// A completed batch whose jobs were sent back to work (dead letters retried) runs again.
    public func reopenBatch(_ batchId: String) throws(StoreError) {
        try write("reopen batch \(batchId)") { db in
            try db.execute(sql: "UPDATE batch SET completed_at = NULL WHERE id = ?", arguments: [batchId])
        }
    }

    public func batches() throws(StoreError) -> [BatchRecord] {
        try read("batches") { db in
            try Row.fetchAll(db, sql: "SELECT \(BatchRecord.columns) FROM batch ORDER BY seq").map(BatchRecord.init(row:))
        }
    }

    /// Every batch's counters: batch id → counter name → value.
    ///
    /// SQLite turns an integer sum that leaves the i64 range into a REAL; such a value, or
    /// any value that is not an integer, is refused with the row named rather than trapped on.
    public func batchCounters() throws(StoreError) -> [String: [String: Int64]] {
        let rows = try read("batch counters") { db in
            try Row.fetchAll(db, sql: "SELECT batch_seq, name, value FROM batch_counter").map { row in
                (seq: row[0] as DatabaseValue, name: row[1] as DatabaseValue, value: row[2] as DatabaseValue)
            }
        }
        var counters: [String: [String: Int64]] = [:]
        for row in rows {
            guard case .int64(let seq) = row.seq.storage, case .string(let name) = row.name.storage,
                  case .int64(let value) = row.value.storage else {
                throw StoreError("journal table batch_counter: row (batch_seq \(row.seq), name \(row.name)) holds value \(row.value), not an integer in the i64 range")
            }
            counters[BatchRecord.id(seq: seq), default: [:]][name] = value
        }
        return counters
    }

    /// Workers that stored results for each batch.
    public func batchWorkers() throws(StoreError) -> [String: Set<String>] {
        try read("batch workers") { db in
            var workers: [String: Set<String>] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT batch_seq, worker FROM batch_worker") {
                workers[BatchRecord.id(seq: row[0]), default: []].insert(row[1])
            }
            return workers
        }
    }

    /// Jobs per batch by state.
    public func batchJobCounts() throws(StoreError) -> [String: [JobState: Int]] {
        try read("batch job counts") { db in
            var counts: [String: [JobState: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT batch_id, state, COUNT(*) FROM job WHERE batch_id IS NOT NULL GROUP BY batch_id, state") {
                if let state = JobState(rawValue: row[1]) { counts[row[0], default: [:]][state] = row[2] }
            }
            return counts
        }
    }

    private func write(_ what: String, _ body: (Database) throws -> Void) throws(StoreError) {
        do {
            try database.write(body)
        } catch {
            throw StoreError("cannot \(what): \(error)")
        }
    }
}
