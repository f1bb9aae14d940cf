public import Foundation
public import ChungTayWire

/// Everything one dispatcher loop turn asks the journal to make durable at once: one
/// group commit (one transaction, one fsync) of the turn's submissions, completions and
/// failures.
public struct JournalCommit: Sendable {
    public struct Completion: Sendable {
        public var jobId: UInt64
        public var attempts: Int
        public var location: ResultLocation
        public var isList: Bool
        /// The job's batch; the rest of these fields only apply to batch jobs.
        public var batchId: String?
        /// Created in the same transaction, in the job's batch, only if this completion applies.
        public var followUps: [JobSpec]
        /// Where each follow-up's payload was written (see `JournalCommit.payloadLocations`).
        public var followUpLocations: [ResultLocation] = []
        public var counters: [Counter]
        /// Name of the worker that produced the result, for the batch's audit record.
        public var worker: String
        /// The result's notifications, for the outbox (any job, in a batch or not).
        public var outbox: [OutboxDocument] = []

        public init(
            jobId: UInt64, attempts: Int, location: ResultLocation, isList: Bool, batchId: String? = nil,
            followUps: [JobSpec] = [], counters: [Counter] = [], worker: String = ""
        ) {
            self.jobId = jobId
            self.attempts = attempts
            self.location = location
            self.isList = isList
            self.batchId = batchId
            self.followUps = followUps
            self.counters = counters
            self.worker = worker
        }
    }

    /// A stored document that is a notification: its key and where its line is.
    public struct OutboxDocument: Sendable, Equatable {
        public var key: OutboxKey
        /// The document's line, without its line feed.
        public var location: ResultLocation

        public init(key: OutboxKey, location: ResultLocation) {
            self.key = key
            self.location = location
        }
    }

    /// A failed attempt: either scheduled again after `notBefore`, or dead.
    public struct Failure: Sendable {
        public var jobId: UInt64
        public var attempts: Int
        public var dead: Bool
        public var notBefore: Date?
        public var code: String
        public var message: String

        public init(jobId: UInt64, attempts: Int, dead: Bool, notBefore: Date?, code: String, message: String) {
            self.jobId = jobId
            self.attempts = attempts
            self.dead = dead
            self.notBefore = notBefore
            self.code = code
            self.message = message
        }
    }

    public var now: Date
    public var submissions: [JobSpec] = []
    /// Where each submission's payload was written in the payload segments, in order; a
    /// submission without one keeps its payload in the journal row.
    public var payloadLocations: [ResultLocation] = []
    /// Who submitted each submission (`ROLE/NAME`), in order, when the dispatcher
    /// authenticates clients; empty without authentication (no owner is recorded).
    public var submitters: [String?] = []
    public var completions: [Completion] = []
    public var failures: [Failure] = []
    public var segmentEnds: [String: Int64] = [:]
    /// Kinds announced for the first time (a set: one READY may name thousands, and
    /// checking membership in a list made registration quadratic).
    public var newKinds: Set<String> = []

    public init(now: Date) {
        self.now = now
    }

    public var isEmpty: Bool {
        submissions.isEmpty && completions.isEmpty && failures.isEmpty && newKinds.isEmpty
    }
}

/// What a commit did: a receipt per submission, and per completion the ids of the
/// follow-up jobs it created (nil when the completion did not apply: the job was no
/// longer queued).
public struct JournalReceipt: Sendable {
    public var submissions: [SubmitReceipt] = []
    public var followUps: [[UInt64]?] = []
}
