@testable import ChungTayHTTPAPI
import Testing

/// The token bucket per identity, on a clock the test moves itself.
@Suite struct RateLimiterTests {
    @Test func aBurstOfTwiceTheRateThenRetryAfter() {
        let limiter = RateLimiter(rate: 5, capacity: 16)
        let start = ContinuousClock.now
        for request in 1...10 { #expect(limiter.admit("clients/a", now: start) == nil, "request \(request) of the burst") }
        #expect(limiter.admit("clients/a", now: start) == 1)
        // Another identity has its own bucket.
        #expect(limiter.admit("clients/b", now: start) == nil)
        // A fifth of a second later one token is back (5 a second), and only one.
        #expect(limiter.admit("clients/a", now: start + .milliseconds(200)) == nil)
        #expect(limiter.admit("clients/a", now: start + .milliseconds(200)) == 1)
    }

    @Test func retryAfterCoversASlowRate() {
        let limiter = RateLimiter(rate: 1, capacity: 16)
        let start = ContinuousClock.now
        #expect(limiter.admit("k", now: start) == nil)
        #expect(limiter.admit("k", now: start) == nil)
        #expect(limiter.admit("k", now: start) == 1)
    }

    @Test func theLeastRecentlySeenIdentityIsForgottenBeyondCapacity() {
        let limiter = RateLimiter(rate: 1, capacity: 2)
        let start = ContinuousClock.now
        for key in ["old", "old", "new", "new"] { #expect(limiter.admit(key, now: start) == nil) }
        #expect(limiter.admit("old", now: start) == 1)
        #expect(limiter.admit("new", now: start + .milliseconds(1)) == 1)
        // A third identity pushes out "old" (seen least recently); "new" keeps its empty bucket.
        #expect(limiter.admit("third", now: start + .milliseconds(2)) == nil)
        #expect(limiter.admit("new", now: start + .milliseconds(3)) == 1)
        #expect(limiter.admit("old", now: start + .milliseconds(4)) == nil)
    }
}

/// The limiter's table under churn: many more identities than it holds, each new one pushing
/// out the least recently seen, while a busy identity keeps its bucket.
@Suite struct RateLimiterChurnTests {
    @Test func aBusyIdentityKeepsItsBucketWhileNewOnesChurn() {
        let limiter = RateLimiter(rate: 1, capacity: 8)
        let start = ContinuousClock.now
        #expect(limiter.admit("busy", now: start) == nil)
        #expect(limiter.admit("busy", now: start) == nil)
        for index in 0..<1000 {
            let now = start + .microseconds(index)
            #expect(limiter.admit("address:\(index)", now: now) == nil)
            // Seen after every new one, so never the least recently seen: its bucket stays empty.
            #expect(limiter.admit("busy", now: now) != nil)
        }
        // A churned-out identity starts again from a full bucket.
        #expect(limiter.admit("address:0", now: start + .milliseconds(2)) == nil)
    }
}
