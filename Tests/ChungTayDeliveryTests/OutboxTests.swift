import ChungTayDelivery
import ChungTayStore
import ChungTayWire
import Foundation
import Logging
import Testing

/// The outbox from a journal commit to the ledger's recipient rows: real journal, real
/// store files, real ledger.
@Suite struct OutboxTests {
    private let fixture: OutboxFixture
    private var directory: DataDirectory { fixture.directory }

    init() throws {
        fixture = try OutboxFixture()
    }

    private func notification(_ key: String, phone: String? = "0912345678") -> [UInt8] {
        OutboxFixture.notification(key, phone: phone)
    }

    private func store(_ documents: [(key: String, bytes: [UInt8])], batchId: String?, journal: JobJournal, now: Date = Date()) throws {
        try fixture.store(documents, batchId: batchId, journal: journal, now: now)
    }

    @Test func aRepeatedKeyIsSuppressedAndNeverDelivered() throws {
        let journal = try JobJournal(path: directory.journalPath)
        try store([("due_reminder|L1|2024-10-01", notification("due_reminder|L1|2024-10-01")),
                   ("due_reminder|L2|2024-10-01", notification("due_reminder|L2|2024-10-01"))], batchId: nil, journal: journal)
        try store([("due_reminder|L1|2024-10-01", notification("due_reminder|L1|2024-10-01"))], batchId: nil, journal: journal)

        let outbox = try NotificationOutbox(dataDirectory: directory)
        let all = try outbox.entries(batchId: nil, after: 0, limit: 10)
        #expect(all.map(\.dedupKey) == ["due_reminder|L1|2024-10-01", "due_reminder|L2|2024-10-01", "due_reminder|L1|2024-10-01"])
        // The key's day (2024-10-01) is long gone, but it was recorded just now: still live.
        #expect(all.map(\.suppressedBy) == [nil, nil, all[0].id])
        let page = try outbox.page(after: 0, limit: 10)
        #expect(page.deliverable.map(\.id) == [all[0].id, all[1].id])
        #expect(page.readThrough == all[2].id && page.rowsRead == 3, "the suppressed row is read past, not read again")
        #expect(try outbox.document(of: all[2]) == notification("due_reminder|L1|2024-10-01"))
    }

    @Test func aKeyPastItsDayAndItsMinimumLifeNoLongerSuppresses() throws {
        let journal = try JobJournal(path: directory.journalPath)
        let longAgo = Date().addingTimeInterval(-40 * 86_400)
        try store([("k", notification("k"))], batchId: nil, journal: journal, now: longAgo)
        // Its day (20000, 2024-10-04) is past and it was recorded 40 days ago: a repeat is new.
        try store([("k", notification("k"))], batchId: nil, journal: journal)
        let entries = try NotificationOutbox(dataDirectory: directory).entries(batchId: nil, after: 0, limit: 10)
        #expect(entries.map(\.suppressedBy) == [nil, nil])
    }

    @Test func theFollowerAddsEachRecipientOnceAndChannelsRecordOutcomes() throws {
        let journal = try JobJournal(path: directory.journalPath)
        try store([("a", notification("a")), ("b", notification("b", phone: nil))], batchId: "B1", journal: journal)
        let ledger = try DeliveryLedger(path: directory.deliveryLedgerPath)
        let follower = OutboxFollower(
            outbox: try NotificationOutbox(dataDirectory: directory), ledger: ledger, logger: Logger(label: "test"))
        #expect(try follower.followPage() == 2)
        #expect(try follower.followPage() == 0)
        let due = try ledger.due(channel: "sms", now: Date(), limit: 10)
        #expect(due.map(\.address) == ["0912345678", nil])
        #expect(due.map(\.text) == ["NHCSXH: Ho H1", "NHCSXH: Ho H1"])
        try ledger.record(.retry(at: Date().addingTimeInterval(60), error: "HTTP 503"), for: due[0].key, now: Date())
        try ledger.record(.failed(error: "no_phone"), for: due[1].key, now: Date())
        #expect(try ledger.due(channel: "sms", now: Date(), limit: 10).isEmpty)
        let later = try ledger.due(channel: "sms", now: Date().addingTimeInterval(61), limit: 10)
        #expect(later.map(\.attempts) == [1])
        try ledger.record(.delivered, for: later[0].key, now: Date())
        let rows = try ledger.deliveries(outboxIds: [due[0].key.outboxId, due[1].key.outboxId])
        #expect(rows[due[0].key.outboxId]?.map(\.state) == [.delivered, .pending])
        #expect(rows[due[1].key.outboxId]?.map(\.state) == [.failed, .pending])
        #expect(rows[due[1].key.outboxId]?.first?.lastError == "no_phone")
    }
}
