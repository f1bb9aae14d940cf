public import ChungTayRuntime
public import Foundation
import ChungTayWire

/// Everything a dispatcher needs to start. The CLI fills it from flags, a config file and
/// `CHUNGTAY_*` environment variables; tests build it directly.
public struct DispatcherConfiguration: Sendable {
    public var dataDirectory: URL
    public var clientEndpoint: String
    public var workerEndpoint: String
    /// Heartbeat period both ways.
    public var heartbeatInterval: Duration
    /// Heartbeats a worker may miss before it is declared dead and its tasks go back to the queue.
    public var heartbeatLiveness: Int
    /// Attempts before a failing task becomes a dead letter.
    public var maxAttempts: Int
    /// First retry delay; it doubles per attempt (with equal jitter) up to `retryMaxDelay`.
    public var retryBaseDelay: Duration
    public var retryMaxDelay: Duration
    /// Largest message (all frames together) a peer may send; larger ones get `too_large`.
    public var maxMessageSize: Int
    /// Most frames one message may have (routing frames included); more get `too_large`.
    /// Checked while the message is received, so its frames are never all held at once.
    public var maxMessageFrames: Int
    /// How long a graceful shutdown waits for in-flight tasks.
    public var drainTimeout: Duration
    /// Kinds accepted before any worker has announced them (workers add their own kinds).
    public var acceptedKinds: Set<String>
    /// Memory for payloads of queued jobs (their bytes plus each one's bookkeeping, see
    /// `TaskQueues.payloadEntryOverhead`); beyond it payloads are read back on dispatch.
    /// 16 MiB keeps a million queued jobs within 100 MB of dispatcher memory.
    public var payloadCacheBytes: Int
    /// Payload bytes one worker may hold at once (it always gets at least one task). Credit
    /// counts tasks; this bounds bytes, so large batch chunks do not pile up in the worker
    /// and come back as a flood of results the dispatcher must hold in one turn.
    public var workerWindowBytes: Int
    /// How long a worker may hold one task. A lease older than this ends as a failed
    /// attempt (`task_timeout`) and the task runs again elsewhere, so a handler that hangs
    /// while its worker keeps heartbeating cannot hold a task for good.
    public var taskTimeout: Duration

    /// Where the log bus (CTLP01) listens; nil: no log bus (in-process tests).
    public var logEndpoint: String? = nil
    /// The dispatcher's own log records, as its log handler hands them over to the log bus.
    public var logSink: LogSink? = nil
    /// CURVE and the checks of every command by role; nil: the NULL mechanism and no checks.
    public var curve: DispatcherCurve? = nil

    public static let builtInKinds = Set(TaskKind.builtIn.map(\.rawValue))

    public init(
        dataDirectory: URL = URL(fileURLWithPath: "var/chungtay"),
        clientEndpoint: String = "tcp://127.0.0.1:5555",
        workerEndpoint: String = "tcp://127.0.0.1:5556",
        heartbeatInterval: Duration = .seconds(1),
        heartbeatLiveness: Int = 3,
        maxAttempts: Int = 5,
        retryBaseDelay: Duration = .milliseconds(500),
        retryMaxDelay: Duration = .seconds(60),
        maxMessageSize: Int = 16 << 20,
        maxMessageFrames: Int = defaultMaxMessageFrames,
        drainTimeout: Duration = .seconds(10),
        acceptedKinds: Set<String> = builtInKinds,
        payloadCacheBytes: Int = 16 << 20,
        workerWindowBytes: Int = 16 << 20,
        taskTimeout: Duration = .seconds(30 * 60)
    ) {
        self.dataDirectory = dataDirectory
        self.clientEndpoint = clientEndpoint
        self.workerEndpoint = workerEndpoint
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatLiveness = heartbeatLiveness
        self.maxAttempts = maxAttempts
        self.retryBaseDelay = retryBaseDelay
        self.retryMaxDelay = retryMaxDelay
        self.maxMessageSize = maxMessageSize
        self.maxMessageFrames = maxMessageFrames
        self.drainTimeout = drainTimeout
        self.acceptedKinds = acceptedKinds
        self.payloadCacheBytes = payloadCacheBytes
        self.workerWindowBytes = workerWindowBytes
        self.taskTimeout = taskTimeout
    }

    /// Four times the most a legitimate peer sends: a RESULT for a worker's whole credit
    /// (4096 tasks × header, documents, extras and a follow-up = 16,384 frames); a SUBMIT
    /// of 512 jobs is 1,027. Each frame costs some 100 bytes of bookkeeping whatever its size.
    public static let defaultMaxMessageFrames = 65_536
}

extension DispatcherConfiguration {
    /// Checks the settings once all their sources are merged (flags, environment, file),
    /// so a bad value from any source is a start-up error rather than a trap later.
    public func validate() throws(ConfigurationError) {
        func require(_ condition: Bool, _ message: String) throws(ConfigurationError) {
            if !condition { throw ConfigurationError(message: message) }
        }
        try require(heartbeatInterval > .zero, "the heartbeat interval must be positive")
        try require(heartbeatLiveness >= 1, "heartbeat liveness must be at least 1")
        try require(maxAttempts >= 1, "max attempts must be at least 1")
        try require(retryBaseDelay >= .zero && retryMaxDelay >= retryBaseDelay, "retry delays must satisfy 0 ≤ base ≤ max")
        try require((1...(1 << 30)).contains(maxMessageSize), "the maximum message size must be 1 byte to 1 GiB")
        try require((8...(1 << 24)).contains(maxMessageFrames), "the maximum frames per message must be 8 to 16777216")
        try require(taskTimeout > .zero, "the task timeout must be positive")
        try require(drainTimeout >= .zero, "the drain timeout cannot be negative")
        try require(payloadCacheBytes >= 0, "the payload cache cannot be negative")
        try require(workerWindowBytes >= 1, "the worker window must be at least 1 byte")
    }
}

public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
