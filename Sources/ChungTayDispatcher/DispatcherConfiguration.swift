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
    /// How long a graceful shutdown waits for in-flight tasks.
    public var drainTimeout: Duration
    /// Kinds accepted before any worker has announced them (workers add their own kinds).
    public var acceptedKinds: Set<String>
    /// Payload bytes of queued jobs kept in memory; beyond it payloads are read back from the journal on dispatch.
    public var payloadCacheBytes: Int
    /// Payload bytes one worker may hold at once (it always gets at least one task). Credit
    /// counts tasks; this bounds bytes, so large batch chunks do not pile up in the worker
    /// and come back as a flood of results the dispatcher must hold in one turn.
    public var workerWindowBytes: Int

    public static let builtInKinds: Set<String> = ["system.echo", "household.review", "loan.status", "notify.emit"]

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
        drainTimeout: Duration = .seconds(10),
        acceptedKinds: Set<String> = builtInKinds,
        payloadCacheBytes: Int = 32 << 20,
        workerWindowBytes: Int = 16 << 20
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
        self.drainTimeout = drainTimeout
        self.acceptedKinds = acceptedKinds
        self.payloadCacheBytes = payloadCacheBytes
        self.workerWindowBytes = workerWindowBytes
    }
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
        try require(drainTimeout >= .zero, "the drain timeout cannot be negative")
        try require(payloadCacheBytes >= 0, "the payload cache cannot be negative")
        try require(workerWindowBytes >= 1, "the worker window must be at least 1 byte")
    }
}

public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
