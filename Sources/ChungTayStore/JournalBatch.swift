import ChungTayCoding
public import Foundation
public import ChungTayWire

/// Everything one dispatcher loop turn asks the journal to make durable at once.
public struct JournalBatch: Sendable {
    public struct Completion: Sendable {
        public var jobId: UInt64
        public var attempts: Int
        public var location: ResultLocation
        public var isList: Bool
        /// The job's batch; the rest of these fields only apply to batch jobs.
        public var batchId: String?
        /// Created in the same transaction, in the job's batch, only if this completion applies.
        public var followUps: [JobSpec]
        /// Where each follow-up's payload was written (see `JournalBatch.payloadLocations`).
        public var followUpLocations: [ResultLocation] = []
        public var counters: [Counter]
        /// Name of the worker that produced the result, for the batch's audit record.
        public var worker: String

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

/// A stored document's position in its segment, under the hash of its key.
public struct DocumentKey: Sendable, Equatable {
    public var hash: Int64
    public var offset: Int64
    public var length: Int64

    public init(hash: Int64, offset: Int64, length: Int64) {
        self.hash = hash
        self.offset = offset
        self.length = length
    }

    /// One entry of a keys file: hash, offset, length, each a little-endian `i64`.
    static let entrySize = 24

    var end: Int64 { offset + length }

    /// Whether the entry can index a committed document: a positive length inside the
    /// segment's committed end (read from a file, the numbers are checked, not trusted).
    func isInside(committedEnd: Int64) -> Bool {
        guard offset >= 0, length > 0 else { return false }
        let (end, overflow) = offset.addingReportingOverflow(length)
        return !overflow && end <= committedEnd
    }

    func append(to bytes: inout [UInt8]) {
        for value in [hash, offset, length] {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
    }

    init(_ bytes: [UInt8], at position: Int) {
        func load(_ start: Int) -> Int64 {
            var value: Int64 = 0
            for index in (0..<8).reversed() { value = value << 8 | Int64(bytes[start + index]) }
            return value
        }
        self.init(hash: load(position), offset: load(position + 8), length: load(position + 16))
    }

    /// FNV-1a, 64 bits: cheap, stable across runs and machines (Swift's `Hasher` is
    /// seeded per process, so it cannot index a file). Collisions are harmless: readers
    /// compare the document's own key.
    public static func hash(_ key: String) -> Int64 {
        Int64(bitPattern: FNV1a.hash(key.utf8))
    }
}
