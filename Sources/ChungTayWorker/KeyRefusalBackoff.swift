/// How long a worker whose key the dispatcher refused waits before it tries again: a minute
/// first (time for an operator to fix the key file and reload), then twice as long each
/// time up to ten minutes, so a worker left misconfigured costs a log line and a READY
/// every ten minutes rather than a tight loop. Being served again starts over.
struct KeyRefusalBackoff {
    static let first: Duration = .seconds(60)
    static let longest: Duration = .seconds(600)

    private var upcoming = first

    /// The wait after this refusal; the next one waits twice as long, up to ``longest``.
    mutating func next() -> Duration {
        let delay = upcoming
        upcoming = min(upcoming * 2, Self.longest)
        return delay
    }

    /// The dispatcher served the worker: a later refusal is news again.
    mutating func admitted() {
        upcoming = Self.first
    }
}
