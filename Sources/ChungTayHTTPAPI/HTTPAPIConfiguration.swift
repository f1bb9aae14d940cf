/// The HTTP API's limits and where it keeps uploads: dispatcher options, each with the
/// default docs/OPERATIONS.md and `chungtay dispatcher --help` state.
public struct HTTPAPIConfiguration: Sendable {
    /// Largest request body in bytes (`--http-max-body`); more is 413 `too_large`.
    public var maxBodyBytes = 16 << 20
    /// Requests per second per identity (`--http-rate`), with a burst of twice that; more is
    /// 429 `rate_limited`.
    public var requestsPerSecond = 1000
    /// Long-polls (`?wait=`) open at once in all, and per identity; more is 429 `too_many_waits`.
    public var maxLongPolls = 256
    public var maxLongPollsPerIdentity = 16
    /// Identities the rate limiter remembers; the least recently seen is forgotten beyond.
    public var maxRateEntries = 4096
    /// The dispatcher's data directory: batch uploads are spooled under `uploads/`.
    public var dataDirectory: String

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }
}
