/// Which refused handshakes the ZAP handler logs. A peer can make a fresh key for every
/// handshake, so limiting per key would let it write a line per attempt: lines are limited
/// per peer address (one a minute), and all addresses together to a budget per minute,
/// since addresses are cheap too on a network an attacker controls. What goes unlogged is
/// counted and said in one summary line with the first refusal of a later minute.
public struct HandshakeRefusalLog: Sendable {
    public static let defaultBudget = 20

    /// What to log for one refusal.
    public struct Verdict: Equatable, Sendable {
        /// Whether this refusal gets its own line.
        public var logThis: Bool
        /// Refusals of an earlier minute left unlogged; more than 0 asks for the summary line.
        public var suppressedBefore: Int
    }

    private var perAddress: RefusalLimiter
    private let interval: Duration
    private let budget: Int
    private var windowStart: ContinuousClock.Instant?
    private var logged = 0
    private var suppressed = 0

    public init(interval: Duration = RefusalLimiter.defaultInterval, budget: Int = defaultBudget,
                capacity: Int = RefusalLimiter.defaultCapacity) {
        perAddress = RefusalLimiter(interval: interval, capacity: capacity)
        self.interval = interval
        self.budget = budget
    }

    /// Records a refusal from `address` at `now`.
    public mutating func refused(address: String, at now: ContinuousClock.Instant) -> Verdict {
        var suppressedBefore = 0
        if windowStart.map({ now - $0 >= interval }) ?? true {
            suppressedBefore = suppressed
            suppressed = 0
            logged = 0
            windowStart = now
        }
        // The budget first: an address not logged for want of budget may still be next minute.
        guard logged < budget, perAddress.shouldLog(address, at: now) else {
            suppressed += 1
            return Verdict(logThis: false, suppressedBefore: suppressedBefore)
        }
        logged += 1
        return Verdict(logThis: true, suppressedBefore: suppressedBefore)
    }
}
