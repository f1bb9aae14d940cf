import ChungTayWire
import Foundation
import GRDB
import Testing
@testable import ChungTayStore

/// A returned commit is on disk: the journal and the delivery ledger run with
/// `synchronous = FULL`. GRDB's WAL set-up sets NORMAL after the configuration's own
/// statements (under NORMAL only checkpoints fsync the WAL), which these tests caught.
@Suite struct DurableDatabaseTests {
    private let directory: DataDirectory

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chungtay-durable-\(UUID().uuidString)")
        directory = DataDirectory(root: root)
        try directory.prepare()
    }

    @Test func theJournalCommitsWithFullSync() throws {
        let journal = try JobJournal(path: directory.journalPath)
        #expect(try DurableDatabase.synchronousLevel(of: journal.database) == DurableDatabase.fullSynchronous)
    }

    /// Opening an existing journal (its WAL already there) takes the same path.
    @Test func aReopenedJournalCommitsWithFullSync() throws {
        var commit = JournalCommit(now: Date())
        commit.submissions = [JobSpec(kind: "system.echo", payload: [1])]
        _ = try JobJournal(path: directory.journalPath).commit(commit)
        let reopened = try JobJournal(path: directory.journalPath)
        #expect(try DurableDatabase.synchronousLevel(of: reopened.database) == DurableDatabase.fullSynchronous)
    }

    @Test func theDeliveryLedgerCommitsWithFullSync() throws {
        let ledger = try DeliveryLedger(path: directory.deliveryLedgerPath)
        #expect(try DurableDatabase.synchronousLevel(of: ledger.database) == DurableDatabase.fullSynchronous)
    }
}
