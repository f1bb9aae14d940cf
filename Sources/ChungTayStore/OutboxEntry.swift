public import Foundation

/// One stored notification as the journal's outbox knows it: which key it carries, which
/// job stored it and where its document is. Its delivery state lives in the
/// `DeliveryLedger`; a suppressed one has none, since it is never delivered.
public struct OutboxEntry: Sendable, Equatable {
    /// Increasing in commit order and never reused: a delivery cursor only moves forward.
    public var id: Int64
    public var dedupKey: String
    public var jobId: UInt64
    public var batchId: String?
    /// The document's line in the `notify.emit` store, without its line feed.
    public var location: ResultLocation
    /// The first notification with the same key, while that key was live: this one is a
    /// repeat and is never delivered.
    public var suppressedBy: Int64?
    public var recordedAt: Date

    static let columns = "id, dedup_key, job_id, batch_id, document_file, document_offset, document_length, suppressed_by, recorded_at"
}
