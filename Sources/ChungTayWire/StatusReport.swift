/// STATUS-REPORT's document, which `chungtay status --json` prints and `chungtay top`
/// draws: workers (lost ones too, for a while), queues by kind, batches, task outcomes
/// and durations, dead letters. The dispatcher encodes it and clients decode it with this
/// one type, so the two sides cannot drift apart.
public struct StatusReport: Codable, Equatable, Sendable {
    public struct Worker: Codable, Equatable, Sendable {
        /// The states a worker is shown in.
        public enum State: String, Codable, Sendable {
            /// Registered, holding no task.
            case idle
            /// Registered, holding tasks.
            case busy
            /// Finishing its tasks before it stops (it said so in its heartbeat).
            case draining
            /// Gone without DISCONNECT (killed, crashed, silent): listed for ``StatusReport/lostWorkerMinutes``.
            case lost
        }

        public var name: String
        /// `native` (CTWP01) or `mdp` (MDPW01).
        public var `protocol`: String
        public var kinds: [String]
        public var credit: Int
        public var inFlight: Int
        public var lastSeenSecondsAgo: Double
        /// As the worker reports it; absent for MDP workers and workers that send no stats.
        public var host: String?
        public var state: State
        /// Tasks it finished since it started, as its heartbeats report them.
        public var done: Int
        public var failed: Int
        /// Tasks finished per second between its last two heartbeats.
        public var tasksPerSecond: Double
        public var lastHeartbeatSecondsAgo: Double

        public init(
            name: String, protocol: String, kinds: [String], credit: Int, inFlight: Int, lastSeenSecondsAgo: Double,
            host: String? = nil, state: State = .idle, done: Int = 0, failed: Int = 0, tasksPerSecond: Double = 0,
            lastHeartbeatSecondsAgo: Double? = nil
        ) {
            self.name = name
            self.protocol = `protocol`
            self.kinds = kinds
            self.credit = credit
            self.inFlight = inFlight
            self.lastSeenSecondsAgo = lastSeenSecondsAgo
            self.host = host
            self.state = state
            self.done = done
            self.failed = failed
            self.tasksPerSecond = tasksPerSecond
            self.lastHeartbeatSecondsAgo = lastHeartbeatSecondsAgo ?? lastSeenSecondsAgo
        }

        /// A report from a dispatcher older than these fields still reads: they take their defaults.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let lastSeen = try container.decode(Double.self, forKey: .lastSeenSecondsAgo)
            self.init(
                name: try container.decode(String.self, forKey: .name), protocol: try container.decode(String.self, forKey: .protocol),
                kinds: try container.decode([String].self, forKey: .kinds), credit: try container.decode(Int.self, forKey: .credit),
                inFlight: try container.decode(Int.self, forKey: .inFlight), lastSeenSecondsAgo: lastSeen,
                host: try container.decodeIfPresent(String.self, forKey: .host),
                state: try container.decodeIfPresent(State.self, forKey: .state) ?? .idle,
                done: try container.decodeIfPresent(Int.self, forKey: .done) ?? 0,
                failed: try container.decodeIfPresent(Int.self, forKey: .failed) ?? 0,
                tasksPerSecond: try container.decodeIfPresent(Double.self, forKey: .tasksPerSecond) ?? 0,
                lastHeartbeatSecondsAgo: try container.decodeIfPresent(Double.self, forKey: .lastHeartbeatSecondsAgo))
        }
    }

    public struct Queue: Codable, Equatable, Sendable {
        public var queued: Int
        public var delayed: Int
        public var running: Int
        public var completed: Int
        public var dead: Int
        /// How long the task queued longest has waited (0 with none queued).
        public var oldestWaitingSeconds: Double
        /// Tasks waiting to run again: queued after a failed attempt, or waiting out a retry delay.
        public var retriesWaiting: Int

        public init(queued: Int, delayed: Int, running: Int, completed: Int, dead: Int, oldestWaitingSeconds: Double = 0,
                    retriesWaiting: Int = 0) {
            self.queued = queued
            self.delayed = delayed
            self.running = running
            self.completed = completed
            self.dead = dead
            self.oldestWaitingSeconds = oldestWaitingSeconds
            self.retriesWaiting = retriesWaiting
        }

        /// As ``Worker/init(from:)``: the newer fields default to 0.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                queued: try container.decode(Int.self, forKey: .queued), delayed: try container.decode(Int.self, forKey: .delayed),
                running: try container.decode(Int.self, forKey: .running), completed: try container.decode(Int.self, forKey: .completed),
                dead: try container.decode(Int.self, forKey: .dead),
                oldestWaitingSeconds: try container.decodeIfPresent(Double.self, forKey: .oldestWaitingSeconds) ?? 0,
                retriesWaiting: try container.decodeIfPresent(Int.self, forKey: .retriesWaiting) ?? 0)
        }
    }

    /// An open batch, or one of the last completed.
    public struct Batch: Codable, Equatable, Sendable {
        public var id: String
        public var name: String
        /// `accepting`, `running` or `complete` (as `batch status`).
        public var state: String
        /// Jobs of the batch so far (pipeline stages add follow-ups as they go).
        public var total: Int
        public var done: Int
        /// Dead-lettered jobs.
        public var failed: Int
        /// Jobs finished per second over the last interval the dispatcher measured.
        public var ratePerSecond: Double
        /// Queued jobs over the rate; absent while the rate is 0 or the batch is complete.
        public var etaSeconds: Double?

        public init(id: String, name: String, state: String, total: Int, done: Int, failed: Int, ratePerSecond: Double,
                    etaSeconds: Double?) {
            self.id = id
            self.name = name
            self.state = state
            self.total = total
            self.done = done
            self.failed = failed
            self.ratePerSecond = ratePerSecond
            self.etaSeconds = etaSeconds
        }
    }

    /// Task attempts of one kind by outcome, counted by the dispatcher since it started.
    public struct TaskOutcomes: Codable, Equatable, Sendable {
        public var succeeded: Int = 0
        /// Attempts that failed: the handler failed, the task timed out or its worker was lost.
        public var failed: Int = 0
        /// Failed attempts that will run again.
        public var retried: Int = 0
        /// Failed attempts that ended the task as a dead letter.
        public var deadLettered: Int = 0
        /// Attempts that outlived the task timeout (also counted as failed once recorded).
        public var timedOut: Int = 0

        public init(succeeded: Int = 0, failed: Int = 0, retried: Int = 0, deadLettered: Int = 0, timedOut: Int = 0) {
            self.succeeded = succeeded
            self.failed = failed
            self.retried = retried
            self.deadLettered = deadLettered
            self.timedOut = timedOut
        }
    }

    /// A ``DurationHistogram`` as JSON: `counts[i]` durations up to `boundsSeconds[i]`
    /// (non-cumulative), the last count those above every bound.
    public struct Histogram: Codable, Equatable, Sendable {
        public var boundsSeconds: [Double]
        public var counts: [Int]
        public var count: Int
        public var sumNanoseconds: Int

        public init(_ histogram: DurationHistogram) {
            boundsSeconds = DurationHistogram.boundsSeconds
            counts = histogram.counts.map { Int(clamping: $0) }
            count = Int(clamping: histogram.total ?? .max)
            sumNanoseconds = Int(clamping: histogram.sumNanoseconds)
        }
    }

    /// How long a lost worker stays listed, and how many are.
    public static let lostWorkerMinutes = 10
    public static let maxLostWorkers = 32

    public var clientEndpoint: String
    public var workerEndpoint: String
    public var draining: Bool
    public var uptimeSeconds: Double
    /// Registered workers by name, then lost ones, most recently lost first.
    public var workers: [Worker]
    /// By kind name: the names of kinds from the wire, which are any valid names.
    public var queues: [String: Queue]
    public var deadLetters: Int
    /// WAIT requests not answered yet, and MDP requests whose client awaits the reply:
    /// both end when the job does or when the client disconnects.
    public var pendingWaits: Int
    public var pendingMajordomoReplies: Int
    /// Open batches, then the most recently completed ones.
    public var batches: [Batch]
    /// By kind name.
    public var tasks: [String: TaskOutcomes]
    /// By kind name: the workers' task durations added up (each worker's change since its
    /// previous heartbeat; a restarted worker's count starts again from its report).
    public var taskDurations: [String: Histogram]
    /// How long the dispatcher's journal commits took (payload and result writes, fsyncs, journal transaction).
    public var journalCommitDurations: Histogram
    /// Tasks out with workers.
    public var leasesInFlight: Int
    /// Log records lost on the way (workers' buffers, the log bus, slow subscribers).
    public var logRecordsDropped: Int

    public init(
        clientEndpoint: String, workerEndpoint: String, draining: Bool, uptimeSeconds: Double, workers: [Worker],
        queues: [String: Queue], deadLetters: Int, pendingWaits: Int, pendingMajordomoReplies: Int, batches: [Batch] = [],
        tasks: [String: TaskOutcomes] = [:], taskDurations: [String: Histogram] = [:],
        journalCommitDurations: Histogram = Histogram(DurationHistogram()), leasesInFlight: Int = 0, logRecordsDropped: Int = 0
    ) {
        self.clientEndpoint = clientEndpoint
        self.workerEndpoint = workerEndpoint
        self.draining = draining
        self.uptimeSeconds = uptimeSeconds
        self.workers = workers
        self.queues = queues
        self.deadLetters = deadLetters
        self.pendingWaits = pendingWaits
        self.pendingMajordomoReplies = pendingMajordomoReplies
        self.batches = batches
        self.tasks = tasks
        self.taskDurations = taskDurations
        self.journalCommitDurations = journalCommitDurations
        self.leasesInFlight = leasesInFlight
        self.logRecordsDropped = logRecordsDropped
    }

    /// As ``Worker/init(from:)``: an older dispatcher's report reads with the newer fields empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            clientEndpoint: try container.decode(String.self, forKey: .clientEndpoint),
            workerEndpoint: try container.decode(String.self, forKey: .workerEndpoint),
            draining: try container.decode(Bool.self, forKey: .draining),
            uptimeSeconds: try container.decode(Double.self, forKey: .uptimeSeconds),
            workers: try container.decode([Worker].self, forKey: .workers),
            queues: try container.decode([String: Queue].self, forKey: .queues),
            deadLetters: try container.decode(Int.self, forKey: .deadLetters),
            pendingWaits: try container.decode(Int.self, forKey: .pendingWaits),
            pendingMajordomoReplies: try container.decode(Int.self, forKey: .pendingMajordomoReplies),
            batches: try container.decodeIfPresent([Batch].self, forKey: .batches) ?? [],
            tasks: try container.decodeIfPresent([String: TaskOutcomes].self, forKey: .tasks) ?? [:],
            taskDurations: try container.decodeIfPresent([String: Histogram].self, forKey: .taskDurations) ?? [:],
            journalCommitDurations: try container.decodeIfPresent(Histogram.self, forKey: .journalCommitDurations)
                ?? Histogram(DurationHistogram()),
            leasesInFlight: try container.decodeIfPresent(Int.self, forKey: .leasesInFlight) ?? 0,
            logRecordsDropped: try container.decodeIfPresent(Int.self, forKey: .logRecordsDropped) ?? 0)
    }

    /// Slashes stay escaped (`tcp:\/\/…`), as the report has always been sent.
    public func encoded() throws(WireError) -> [UInt8] {
        try ReplyJSON.encode(self, escapingSlashes: true)
    }

    public init(json: [UInt8]) throws(WireError) {
        self = try ReplyJSON.decode(Self.self, from: json)
    }
}
