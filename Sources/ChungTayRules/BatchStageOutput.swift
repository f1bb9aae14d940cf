/// What one batch stage job produced (docs/BATCH.md): its documents with their keys,
/// the next stage's job, and the amounts to add to the batch's counters.
public struct BatchStageOutput: Sendable {
    /// The next stage's job, created by the dispatcher with this job's completion.
    public struct FollowUp: Sendable, Equatable {
        public var kind: String
        public var payload: [UInt8]
    }

    /// One JSON object on one line each, without the fields the worker runtime adds in
    /// front (`taskId`, `kind`, `batchId`, `processedAt`, `worker`).
    public var documents: [[UInt8]]
    /// Per document, the household code it belongs to; empty when unknown.
    public var keys: [String]
    /// Nil for the last stage.
    public var followUp: FollowUp?
    /// Counter name (`group/…`) to the amount to add.
    public var counters: [String: Int64]
}
