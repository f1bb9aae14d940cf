public import Foundation
public import ChungTayWire

/// Everything one dispatcher loop turn asks the journal to make durable at once.
public struct JournalBatch: Sendable {
    public struct Completion: Sendable {
        public var jobId: UInt64
        public var attempts: Int
        public var location: ResultLocation
        public var isList: Bool

        public init(jobId: UInt64, attempts: Int, location: ResultLocation, isList: Bool) {
            self.jobId = jobId
            self.attempts = attempts
            self.location = location
            self.isList = isList
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
    public var completions: [Completion] = []
    public var failures: [Failure] = []
    public var segmentEnds: [String: Int64] = [:]
    public var newKinds: [String] = []

    public init(now: Date) {
        self.now = now
    }

    public var isEmpty: Bool {
        submissions.isEmpty && completions.isEmpty && failures.isEmpty && newKinds.isEmpty
    }
}
