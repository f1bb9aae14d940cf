/// A task as a handler sees it.
public struct TaskContext: Sendable {
    public var taskId: UInt64
    public var kind: String
    /// 1 for the first run.
    public var attempt: Int
    public var payload: [UInt8]

    public init(taskId: UInt64, kind: String, attempt: Int, payload: [UInt8]) {
        self.taskId = taskId
        self.kind = kind
        self.attempt = attempt
        self.payload = payload
    }
}

/// What a handler produced: the handler's own fields as one encoded JSON object, or a list
/// of such objects (one stored document each). The runtime adds the common fields
/// (`taskId`, `kind`, `batchId`, `processedAt`, `worker`).
public enum HandlerOutput: Sendable {
    case document([UInt8])
    case documents([[UInt8]])
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
    var kind: String { get }
    func handle(_ task: TaskContext) throws(HandlerError) -> HandlerOutput
}
