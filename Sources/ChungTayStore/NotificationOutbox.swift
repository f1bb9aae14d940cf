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

    /// Entries that are to be delivered (not suppressed) with an id above `after`, in id order.
    public func deliverable(after: Int64, limit: Int) throws(StoreError) -> [OutboxEntry] {
        try journal.read("outbox") { db in
            try Row.fetchAll(
                db, sql: "SELECT \(OutboxEntry.columns) FROM outbox WHERE id > ? AND suppressed_by IS NULL ORDER BY id LIMIT ?",
                arguments: [after, limit]
            ).map(OutboxEntry.init(row:))
        }
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
