/// The HTTP API's limits and where it keeps uploads: dispatcher options, each with the
/// default docs/OPERATIONS.md and `chungtay dispatcher --help` state.
public struct HTTPAPIConfiguration: Sendable {
    /// Largest body of a `:batch` or of a list piece in bytes (`--http-max-body`); more is 413
    /// `too_large`. A single job's body is bounded by ``maxMessageBytes`` instead, small JSON
    /// bodies by ``maxSmallBodyBytes``: the body is held whole before it is checked.
    public var maxBodyBytes = 16 << 20
    /// Largest JSON body of the routes that take a few members (batch open, dead-letter retry):
    /// parsing a body builds a tree many times its size, so it stays small.
    public var maxSmallBodyBytes = 64 << 10
    /// Requests per second per identity (`--http-rate`), with a burst of twice that; more is
    /// 429 `rate_limited`.
    public var requestsPerSecond = 1000
    /// Long-polls (`?wait=`) open at once in all, and per identity; more is 429 `too_many_waits`.
    public var maxLongPolls = 256
    public var maxLongPollsPerIdentity = 16
    /// Identities the rate limiter remembers; the least recently seen is forgotten beyond.
    public var maxRateEntries = 4096
    /// The dispatcher's largest message (`--max-message-bytes`): a SUBMIT over it would make
    /// libzmq drop the gateway's connection (ZMQ_MAXMSGSIZE), so the API refuses it first.
    public var maxMessageBytes = 16 << 20
    /// Records one `:seal` may read (`--http-seal-max-households`, `--http-seal-max-loans`):
    /// pass 1 runs in the dispatcher's process with memory per record (measured on the demo
    /// lists, debug build: about 190 bytes a household and 110 a loan at pass 1's peak; the
    /// defaults bound one seal to about 0.2 GB, within the 512 MiB the Kubernetes manifests
    /// give the dispatcher), so a seal beyond is 413 and such lists go through `batch submit`.
    public var maxSealHouseholds = defaultMaxSealHouseholds
    public var maxSealLoans = defaultMaxSealLoans
    public static let defaultMaxSealHouseholds = 500_000
    public static let defaultMaxSealLoans = 1_000_000
    /// Batches one principal (or remote address) may upload at once, and the bytes of all
    /// spooled uploads together; beyond: 429 `rate_limited` / 503 `storage`, both with
    /// Retry-After (docs/openapi.yaml).
    public var maxUploadsPerIdentity = 8
    public var maxSpoolBytes: Int64 = 16 << 30
    /// A connection that sends nothing for this long (no request, a stalled TLS handshake,
    /// headers or body) is closed, so silent connections cannot hold the listener's slots.
    public var idleTimeout: Duration = .seconds(30)
    /// The whole body of a request must arrive within this; else the connection is closed,
    /// so a body trickled a byte at a time cannot hold a slot either.
    public var bodyTimeout: Duration = .seconds(60)
    /// Connections one remote address (an IPv6 one's /64) may hold open at once; more are
    /// closed as they come, so one host cannot take all of the listener's connections.
    public var maxConnectionsPerAddress = 128
    /// The dispatcher's data directory: batch uploads are spooled under `uploads/`.
    public var dataDirectory: String

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }
}
