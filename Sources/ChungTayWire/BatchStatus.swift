/// BATCH-INFO's document, which `chungtay batch status ID --json` prints (BATCH-LIST's is
/// an array of them). The dispatcher encodes it and clients decode it with this one type;
/// with `kind` and the common document fields it is also the batch summary document
/// stored at completion.
public struct BatchStatus: Codable, Equatable, Sendable {
    public struct Jobs: Codable, Equatable, Sendable {
        public var queued: Int
        public var completed: Int
        public var dead: Int

        public init(queued: Int, completed: Int, dead: Int) {
            self.queued = queued
            self.completed = completed
            self.dead = dead
        }
    }

    public struct Chunks: Codable, Equatable, Sendable {
        public var householdsAccepted: Int
        public var loansAccepted: Int
        /// Declared when the batch was sealed.
        public var households: Int?
        public var loans: Int?

        public init(householdsAccepted: Int, loansAccepted: Int, households: Int?, loans: Int?) {
            self.householdsAccepted = householdsAccepted
            self.loansAccepted = loansAccepted
            self.households = households
            self.loans = loans
        }
    }

    /// Who submitted the batch and which workers processed it (RULES.md section 5).
    public struct Audit: Codable, Equatable, Sendable {
        public var submittedBy: String
        public var submittedAt: String
        public var sealedAt: String?
        public var completedAt: String?
        public var inputs: [String]
        public var workers: [String]

        public init(
            submittedBy: String, submittedAt: String, sealedAt: String?, completedAt: String?, inputs: [String], workers: [String]
        ) {
            self.submittedBy = submittedBy
            self.submittedAt = submittedAt
            self.sealedAt = sealedAt
            self.completedAt = completedAt
            self.inputs = inputs
            self.workers = workers
        }
    }

    public var id: String
    public var name: String
    /// `accepting`, `running` or `complete` (the constants below).
    public var state: String
    public var asOf: String
    public var whatIf: Bool
    /// Counts from the batch's counters, which the journal keeps as 64-bit integers (`Int`
    /// is 64 bits wide on every platform the project builds for).
    public var households: Int
    public var loans: Int
    public var reviewed: Int
    public var loanStatuses: Int
    public var notifications: Int
    public var inputErrors: Int?
    public var chunks: Chunks
    public var jobs: Jobs
    public var summary: CounterTree
    public var audit: Audit
    /// The data directory, for `batch export` on the same machine.
    public var dataDirectory: String

    public init(
        id: String, name: String, state: String, asOf: String, whatIf: Bool, households: Int, loans: Int,
        reviewed: Int, loanStatuses: Int, notifications: Int, inputErrors: Int?, chunks: Chunks, jobs: Jobs,
        summary: CounterTree, audit: Audit, dataDirectory: String
    ) {
        self.id = id
        self.name = name
        self.state = state
        self.asOf = asOf
        self.whatIf = whatIf
        self.households = households
        self.loans = loans
        self.reviewed = reviewed
        self.loanStatuses = loanStatuses
        self.notifications = notifications
        self.inputErrors = inputErrors
        self.chunks = chunks
        self.jobs = jobs
        self.summary = summary
        self.audit = audit
        self.dataDirectory = dataDirectory
    }

    /// Open: chunks still arrive.
    public static let accepting = "accepting"
    /// Sealed: every chunk is in, jobs still run.
    public static let running = "running"
    /// Sealed with nothing queued, and the summary document stored.
    public static let complete = "complete"

    public var isComplete: Bool { state == Self.complete }

    /// Slashes unescaped (paths read as written), as the status has always been sent.
    public func encoded() throws(WireError) -> [UInt8] {
        try ReplyJSON.encode(self, escapingSlashes: false)
    }

    /// BATCH-LIST's document.
    public static func encoded(_ list: [BatchStatus]) throws(WireError) -> [UInt8] {
        try ReplyJSON.encode(list, escapingSlashes: false)
    }

    public init(json: [UInt8]) throws(WireError) {
        self = try ReplyJSON.decode(Self.self, from: json)
    }

    public static func list(json: [UInt8]) throws(WireError) -> [BatchStatus] {
        try ReplyJSON.decode([BatchStatus].self, from: json)
    }
}
