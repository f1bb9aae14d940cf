/// How long a message waits after a transient failure: exponential, `base`·2^(n−1) after the
/// n-th failed attempt, capped at `cap`, of which the upper half is random ("equal jitter"),
/// so messages that failed together (the gateway was down) do not all come back at once, and
/// none comes back sooner than half its step.
public struct SMSBackoff: Sendable, Equatable {
    public var base: Duration = .seconds(2)
    public var cap: Duration = .seconds(600)

    public init(base: Duration = .seconds(2), cap: Duration = .seconds(600)) {
        self.base = base
        self.cap = cap
    }

    /// The wait after `attempts` failed attempts (at least 1); `jitter` in 0..<1 picks the point in
    /// the upper half (the service draws it at random, tests choose it).
    public func delay(afterAttempts attempts: Int, jitter: Double) -> Duration {
        // 2^20 steps of even a millisecond are over the cap of any sensible setting: no overflow.
        let doublings = min(max(attempts, 1) - 1, 20)
        let step = min(base * (1 << doublings), cap)
        let half = step / 2
        return half + half * min(max(jitter, 0), 1)
    }
}
