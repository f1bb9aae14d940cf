public import ChungTayWire

/// What one batch stage job produced (docs/BATCH.md): its documents with their keys,
/// the next stage's job, and the amounts to add to the batch's counters.
public struct BatchStageOutput: Sendable {
    /// The next stage's job, created by the dispatcher with this job's completion.
    public struct FollowUp: Sendable, Equatable {
        public var kind: TaskKind
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
    /// Per document its outbox key: empty for stages that store no notifications, else one
    /// per document.
    public var outbox: [OutboxKey] = []

    /// Longest document key in bytes: CTCP01's RESULTS looks keys up by at most this many
    /// (docs/PROTOCOL.md). A household code comes from the list as written, any length,
    /// and a RESULT carries each key with a 2-byte length, so a longer one trapped the
    /// worker's encoder; its documents are stored without a key instead.
    static let maximumKeyBytes = 1024

    /// The key of a document of the household with this code: none (empty) when the code
    /// is unknown or too long to look up.
    static func key(householdCode: String?) -> String {
        guard let householdCode, householdCode.utf8.count <= maximumKeyBytes else { return "" }
        return householdCode
    }
}
