/// Why a message was refused: a stable machine code for peers and a sentence for people.
///
/// The codes are part of the protocol (docs/PROTOCOL.md, "Error codes"); peers in other
/// languages match on them, so they never change meaning once published.
public struct WireError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// A frame is missing, too short, too long or not the expected encoding.
        case malformed
        /// The protocol header frame names no protocol this dispatcher speaks.
        case unsupportedProtocol = "unsupported_protocol"
        /// The command byte is not one the protocol defines for this direction.
        case unknownCommand = "unknown_command"
        /// The message exceeded the configured maximum size.
        case tooLarge = "too_large"
        /// No worker has ever announced this kind and the dispatcher does not accept it.
        case unknownKind = "unknown_kind"
        /// The job id names no job in the journal.
        case unknownJob = "unknown_job"
        /// The batch id or name names no batch, or a job names a batch that is complete.
        case unknownBatch = "unknown_batch"
        /// A batch of that name exists for other input or another as-of date.
        case batchMismatch = "batch_mismatch"
        /// A batch is sealed: it takes no more jobs.
        case batchSealed = "batch_sealed"
        /// BATCH-SEAL's chunk counts differ from the chunks accepted for the batch, or from
        /// an earlier seal of it.
        case sealMismatch = "seal_mismatch"
        /// Adding a SUBMIT's or RESULT's counters could take a batch counter out of the i64 range.
        case counterOverflow = "counter_overflow"
        /// A SUBMIT's or RESULT's job carries more counters than a job may, or would give its
        /// batch more distinct counter names than a batch may hold.
        case tooManyCounters = "too_many_counters"
        /// A client peer already has the most pending WAITs allowed (per peer or in total).
        case tooManyWaits = "too_many_waits"
        /// READY announces more kinds than a worker may serve, or new kinds beyond the
        /// dispatcher's cap on announced kinds.
        case tooManyKinds = "too_many_kinds"
        /// The dispatcher is draining and accepts no new jobs.
        case shuttingDown = "shutting_down"
        /// A command arrived before the peer identified itself (for example, a worker's RESULT before READY).
        case notReady = "not_ready"
        /// The dispatcher could not make the request durable.
        case storage
        /// A handler rejected the payload (used in FAIL).
        case payloadInvalid = "payload_invalid"
        /// The worker holding the task died, left or broke the protocol (recorded as the task's failure).
        case workerLost = "worker_lost"
        /// The worker holding the task did not answer within the task timeout (recorded as the task's failure).
        case taskTimeout = "task_timeout"
        /// A worker was asked for a kind it has no handler for.
        case noHandler = "no_handler"
        /// A handler's output was not one-line JSON objects, so it cannot be stored.
        case handlerFailed = "handler_failed"
        /// The dispatcher could not encode its reply (a value JSON cannot hold): its own
        /// fault, which it logs.
        case encodingFailed = "encoding_failed"
        /// The log bus already has the most subscribers following that it allows, or the
        /// notification feed the most sessions.
        case tooManySubscribers = "too_many_subscribers"
        /// A newer connection said HELLO with this feed subscriber's name: this one's session ended.
        case superseded
        /// The peer's key does not give its role this command, or the batch, job or result
        /// it names belongs to another client (with CURVE; docs/PROTOCOL.md, "Security").
        case forbidden
    }

    public var code: Code
    public var message: String

    /// Most bytes of a peer's text a message quotes: the sentence goes back to the peer and
    /// into the dispatcher's log, so a quoted field must not make either large.
    static let maxEchoedBytes = 64

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
