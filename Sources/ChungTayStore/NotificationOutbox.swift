import Foundation
import GRDB

/// The outbox as readers outside the dispatcher's thread see it: the delivery services in
/// the dispatcher's process and the `notifications` commands. It opens the journal
/// read-only (`JobJournal(readingOnly:)`), so it never holds up the dispatcher's commits,
/// and it reads only committed rows, whose documents are committed with them. It is
/// `Sendable` because its one connection is a GRDB `DatabaseQueue`, which serialises
/// every use of it, and its files are only read.
public final class NotificationOutbox: @unchecked Sendable {
    private let journal: JobJournal
    private let files: SegmentFiles

    public init(dataDirectory: DataDirectory) throws(StoreError) {
        journal = try JobJournal(readingOnly: dataDirectory.journalPath)
        files = .results(of: dataDirectory)
    }

    /// What one read of the outbox found: the entries to deliver, and how far it read.
    public struct Page: Sendable, Equatable {
        /// Not suppressed, in id order.
        public var deliverable: [OutboxEntry]
        /// The last id read, suppressed or not (nil: nothing after `after`): a reader moves
        /// its mark here, so a run of suppressed rows (a list reviewed again) is passed once
        /// rather than read again at every poll.
        public var readThrough: Int64?
        /// Rows read, suppressed ones included: fewer than the limit means the end.
        public var rowsRead: Int

        public init(deliverable: [OutboxEntry], readThrough: Int64?, rowsRead: Int) {
            self.deliverable = deliverable
            self.readThrough = readThrough
            self.rowsRead = rowsRead
        }
    }

    /// Up to `limit` rows after `after`, in id order, and the deliverable ones among them.
    public func page(after: Int64, limit: Int) throws(StoreError) -> Page {
        let entries = try entries(batchId: nil, after: after, limit: limit)
        return Page(deliverable: entries.filter { $0.suppressedBy == nil }, readThrough: entries.last?.id, rowsRead: entries.count)
    }

    /// Every entry (suppressed ones too) with an id above `after`, of one batch or of all, in id order.
    public func entries(batchId: String?, after: Int64, limit: Int) throws(StoreError) -> [OutboxEntry] {
        try journal.read("outbox") { db in
            if let batchId {
                return try Row.fetchAll(
                    db, sql: "SELECT \(OutboxEntry.columns) FROM outbox WHERE batch_id = ? AND id > ? ORDER BY id LIMIT ?",
                    arguments: [batchId, after, limit]
                ).map(OutboxEntry.init(row:))
            }
            return try Row.fetchAll(
                db, sql: "SELECT \(OutboxEntry.columns) FROM outbox WHERE id > ? ORDER BY id LIMIT ?", arguments: [after, limit]
            ).map(OutboxEntry.init(row:))
        }
    }

    /// The notification document of an entry: one JSON object, without its line feed.
    public func document(of entry: OutboxEntry) throws(StoreError) -> [UInt8] {
        try SegmentReader(files: files, committed: [:]).read(entry.location)
    }
}

extension OutboxEntry {
    init(row: Row) {
        let recordedAt: Int64 = row[8]
        self.init(
            id: row[0], dedupKey: row[1], jobId: JobKey.id(row[2]), batchId: row[3],
            location: ResultLocation(file: row[4], offset: row[5], length: row[6]), suppressedBy: row[7],
            recordedAt: Date(timeIntervalSince1970: Double(recordedAt) / 1000))
    }
}
