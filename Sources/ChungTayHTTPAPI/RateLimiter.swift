import ChungTayWire
import Synchronization

/// Requests per identity: a token bucket of `rate` tokens a second holding at most `burst`,
/// one token a request (`--http-rate`, burst twice that).
///
/// At most `capacity` identities are remembered; a new one beyond forgets the least recently
/// seen, whose next request starts from a full bucket again. That is the price of a bound
/// when more identities (remote addresses, for unauthenticated requests) come than fit.
final class RateLimiter: Sendable {
    let rate: Int
    let burst: Int
    let capacity: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    /// Tokens as of `refilled`.
    private struct Bucket {
        var tokens: Double
        var refilled: ContinuousClock.Instant
    }

    init(rate: Int, capacity: Int) {
        self.rate = rate
        burst = rate.multipliedReportingOverflow(by: 2).overflow ? Int.max : rate * 2
        self.capacity = capacity
    }

    /// Nil when `key` may make a request now (its token is taken); else the whole seconds
    /// until it may (at least 1), for `Retry-After`.
    func admit(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: Double(burst), refilled: now)
            if buckets[key] == nil, buckets.count >= capacity, let oldest = buckets.min(by: { $0.value.refilled < $1.value.refilled }) {
                buckets[oldest.key] = nil
            }
            let elapsed = max(0, (now - bucket.refilled).seconds)
            bucket.tokens = min(Double(burst), bucket.tokens + elapsed * Double(rate))
            bucket.refilled = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else {
                return max(1, Int(((1 - bucket.tokens) / Double(rate)).rounded(.up)))
            }
            bucket.tokens -= 1
            return nil
        }
    }
}
