@testable import ChungTayDelivery
import Testing

@Suite struct SMSBackoffTests {
    @Test func doublesFromBaseUpToTheCapWithJitterInTheUpperHalf() {
        let backoff = SMSBackoff(base: .seconds(2), cap: .seconds(60))
        #expect(backoff.delay(afterAttempts: 1, jitter: 0) == .seconds(1))
        #expect(backoff.delay(afterAttempts: 1, jitter: 1) == .seconds(2))
        #expect(backoff.delay(afterAttempts: 2, jitter: 0.5) == .seconds(3))
        #expect(backoff.delay(afterAttempts: 3, jitter: 1) == .seconds(8))
        #expect(backoff.delay(afterAttempts: 6, jitter: 1) == .seconds(60))
        #expect(backoff.delay(afterAttempts: 6, jitter: 0) == .seconds(30))
        #expect(backoff.delay(afterAttempts: Int.max, jitter: 1) == .seconds(60), "no overflow however many attempts")
        #expect(backoff.delay(afterAttempts: 0, jitter: 1) == .seconds(2))
    }

    @Test func theRateLimitLetsABurstThroughThenSpacesRequests() {
        let start = ContinuousClock.now
        var limit = SMSRateLimit(perSecond: 4, now: start)
        for _ in 0..<4 { #expect(limit.take(now: start) == .zero) }
        #expect(limit.take(now: start) == .milliseconds(250))
        #expect(limit.take(now: start + .milliseconds(250)) == .milliseconds(250))
        // After a quiet while the bucket is full again, never fuller.
        for _ in 0..<4 { #expect(limit.take(now: start + .seconds(10)) == .zero) }
        #expect(limit.take(now: start + .seconds(10)) > .zero)
    }
}
