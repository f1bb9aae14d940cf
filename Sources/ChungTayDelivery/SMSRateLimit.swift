/// The channel's token bucket (`--sms-rate N`): N requests a second sustained, and at most N
/// at once after a quiet second, as gateways count them per second. Pure: the caller passes the
/// time and sleeps what it is told, so tests need no clock.
struct SMSRateLimit {
    let perSecond: Int
    private var tokens: Double
    private var last: ContinuousClock.Instant

    init(perSecond: Int, now: ContinuousClock.Instant) {
        self.perSecond = perSecond
        tokens = Double(perSecond)
        last = now
    }

    /// Takes a token for one request at `now`: zero when one is there, else how long to wait
    /// first (the token is taken even so, so waits queue up in order).
    mutating func take(now: ContinuousClock.Instant) -> Duration {
        let elapsed = now - last
        last = max(last, now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(Double(perSecond), tokens + max(seconds, 0) * Double(perSecond)) - 1
        guard tokens < 0 else { return .zero }
        return .seconds(-tokens / Double(perSecond))
    }
}
