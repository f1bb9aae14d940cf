import ChungTayWire
import Foundation
import GRDB
import Testing
@testable import ChungTayStore

/// Numbers from frames and from the journal file never trap the journal (issue 9).
@Suite struct JournalNumberTests {
    private let directory: DataDirectory

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-numbers-\(UUID().uuidString)")
        directory = DataDirectory(root: root)
        try directory.prepare()
    }

    /// A `u64` id of 2^63 or more cannot be a rowid: it names no job, and it used to trap in `Int64(id)`.
    @Test(arguments: [UInt64(1) << 63, UInt64.max])
    func anIdBeyondTheRowidRangeNamesNoJob(id: UInt64) throws {
        let journal = try JobJournal(path: directory.journalPath)
        var commit = JournalCommit(now: Date())
        commit.submissions = [JobSpec(kind: "system.echo", payload: [1])]
        let real = try journal.commit(commit).submissions[0].jobId
        #expect(try journal.job(id) == nil)
        #expect(try journal.jobs([id, real]).keys.sorted() == [real])
        #expect(try journal.payloads(for: [id]).isEmpty)
        #expect(try journal.requeueDeadLetters([id, id], limit: 10).isEmpty)
    }

    /// SQLite turns an integer sum beyond the i64 range into a REAL. Reading one back used to
    /// trap (GRDB's non-optional `Int64` read); now start-up gets an error naming the row.
    @Test func aCounterThatIsNotAnIntegerIsAnErrorNamingTheRow() throws {
        let journal = try JobJournal(path: directory.journalPath)
        let opened = try journal.openBatch(
            BatchOpening(name: "n", asOf: "2026-01-01", whatIf: false, submittedBy: "t", inputs: []), now: Date())
        let queue = try DatabaseQueue(path: directory.journalPath)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO batch_counter(batch_seq, name, value) VALUES (?, 'accepted/households', 9223372036854775807)",
                           arguments: [opened.record.seq])
            try db.execute(sql: "UPDATE batch_counter SET value = value + 1")
        }
        try queue.close()
        let error = #expect(throws: StoreError.self) { try journal.batchCounters() }
        #expect(error?.description.contains("batch_counter") == true, "\(String(describing: error))")
        #expect(error?.description.contains("accepted/households") == true, "\(String(describing: error))")
    }
}
