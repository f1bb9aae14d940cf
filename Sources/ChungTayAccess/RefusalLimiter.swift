/// Says whether a refusal is worth a log line: once per key (a peer address and key, a
/// principal and command, a socket) per interval, in a bounded table, so a flood of
/// refused peers costs neither the log nor memory.
public struct RefusalLimiter: Sendable {
    public static let defaultInterval: Duration = .seconds(60)
    public static let defaultCapacity = 4096

    private let interval: Duration
    private let capacity: Int
    private var lastLogged: [String: ContinuousClock.Instant] = [:]

    public init(interval: Duration = defaultInterval, capacity: Int = defaultCapacity) {
        self.interval = interval
        self.capacity = capacity
    }

    /// True when `key` was not logged within the interval before `now`; records `now` then.
    public mutating func shouldLog(_ key: String, at now: ContinuousClock.Instant) -> Bool {
        if let last = lastLogged[key], now - last < interval { return false }
        if lastLogged[key] == nil, lastLogged.count >= capacity {
            lastLogged = lastLogged.filter { now - $0.value < interval }
            // Still full of recent keys: a flood. Forgetting them costs at most one more line each.
            if lastLogged.count >= capacity { lastLogged.removeAll(keepingCapacity: true) }
        }
        lastLogged[key] = now
        return true
    }

    public var count: Int { lastLogged.count }
}
