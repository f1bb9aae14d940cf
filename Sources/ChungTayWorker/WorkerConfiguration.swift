public import ChungTayRuntime
public import ZeroMQ

/// How a worker connects and how much it takes on.
public struct WorkerConfiguration: Sendable {
    /// The dispatcher's worker endpoint.
    public var endpoint: String
    public var name: String
    public var kinds: [String]
    /// Handlers running at once (one executor thread each).
    public var concurrency: Int
    /// Tasks held beyond those running, so an executor never waits for a round trip.
    public var prefetch: Int
    public var heartbeatInterval: Duration
    public var heartbeatLiveness: Int
    /// Reconnect backoff bounds when the dispatcher is silent.
    public var reconnectMinDelay: Duration
    public var reconnectMaxDelay: Duration
    /// How long SIGTERM waits for in-flight tasks.
    public var drainTimeout: Duration
    /// The worker's log records, as its log handler hands them over, for the dispatcher's
    /// log bus (CTWP01 LOG); nil: records stay on standard error only.
    public var logSink: LogSink? = nil
    /// The dispatcher's public key and this worker's key pair; nil: the NULL mechanism (loopback or `--insecure` dispatchers only).
    public var curve: CurveClientKeys? = nil

    public init(
        endpoint: String = "tcp://127.0.0.1:5556", name: String, kinds: [String], concurrency: Int = 1,
        prefetch: Int? = nil, heartbeatInterval: Duration = .seconds(1), heartbeatLiveness: Int = 3,
        reconnectMinDelay: Duration = .milliseconds(250), reconnectMaxDelay: Duration = .seconds(8),
        drainTimeout: Duration = .seconds(30)
    ) {
        self.endpoint = endpoint
        self.name = name
        self.kinds = kinds
        self.concurrency = concurrency
        self.prefetch = prefetch ?? concurrency * 127
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatLiveness = heartbeatLiveness
        self.reconnectMinDelay = reconnectMinDelay
        self.reconnectMaxDelay = reconnectMaxDelay
        self.drainTimeout = drainTimeout
    }

    var credit: Int { concurrency + prefetch }
}
