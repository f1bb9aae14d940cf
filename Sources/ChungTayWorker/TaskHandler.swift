public import ChungTayWire

/// A task as a handler sees it.
public struct TaskContext: Sendable {
    public var taskId: UInt64
    public var kind: String
    /// 1 for the first run.
    public var attempt: Int
    public var payload: [UInt8]
    /// The batch the task belongs to, if any.
    public var batchId: String?

    public init(taskId: UInt64, kind: String, attempt: Int, payload: [UInt8], batchId: String? = nil) {
        self.taskId = taskId
        self.kind = kind
        self.attempt = attempt
        self.payload = payload
        self.batchId = batchId
    }
}

/// What a handler produced: the handler's own fields as one encoded JSON object, or a list
/// of such objects (one stored document each). The runtime adds the common fields
/// (`taskId`, `kind`, `batchId`, `processedAt`, `worker`).
///
/// A pipeline stage also names the next stage's job (`followUps`), which the dispatcher
/// creates in the same transaction that stores these documents, and counters for its
/// batch's summary (docs/BATCH.md).
public struct HandlerOutput: Sendable {
    public var documents: [[UInt8]]
    /// A list (possibly of one, or none), not a single document: readers show an array.
    public var isList: Bool
    /// Per document, the key it can be looked up by (a household code); empty when none.
    /// Either empty or as long as `documents`.
    public var keys: [String]
    public var followUps: [FollowUpJob]
    /// Amounts to add to the batch's counters.
    public var counters: [String: Int64]
    /// Per document, its outbox key when it is a notification to deliver (`OutboxKey.none`
    /// when not); either empty or as long as `documents`. Keys longer than
    /// `OutboxKey.maximumBytes` fail the task.
    public var outbox: [OutboxKey]

    public init(
        documents: [[UInt8]], isList: Bool, keys: [String] = [], followUps: [FollowUpJob] = [],
        counters: [String: Int64] = [:], outbox: [OutboxKey] = []
    ) {
        self.documents = documents
        self.isList = isList
        self.keys = keys
        self.followUps = followUps
        self.counters = counters
        self.outbox = outbox
    }

    public static func document(_ body: [UInt8]) -> HandlerOutput {
        HandlerOutput(documents: [body], isList: false)
    }

    public static func documents(_ bodies: [[UInt8]]) -> HandlerOutput {
        HandlerOutput(documents: bodies, isList: true)
    }
}

/// A job a handler asks the dispatcher to create once its result is stored.
public struct FollowUpJob: Sendable, Equatable {
    public var kind: TaskKind
    public var payload: [UInt8]

    public init(kind: TaskKind, payload: [UInt8]) {
        self.kind = kind
        self.payload = payload
    }
}

/// Why a handler produced no result. Non-retryable failures (a payload that can never
/// succeed) go straight to the dead letters instead of wasting attempts.
public struct HandlerError: Error, Sendable {
    public var code: String
    public var message: String
    public var retryable: Bool

    public init(code: String, message: String, retryable: Bool) {
        self.code = code
        self.message = message
        self.retryable = retryable
    }
}

/// The work for one task kind. Handlers run on the worker's executor threads, several
/// at once, so they must be safe to call concurrently; they never touch sockets.
public protocol TaskHandler: Sendable {
    var kind: TaskKind { get }
    func handle(_ task: TaskContext) throws(HandlerError) -> HandlerOutput
}
