/// Work that waits for a socket read empty (worker departures, silence), done at least
/// every `limit` seconds all the same while a backlog lasts, so a flood cannot put it
/// off for good.
struct BacklogPostponement {
    let limit: Double
    /// Monotonic seconds since the work was last done with the socket still backlogged;
    /// nil when the socket was last read empty.
    private var since: Double?

    init(limit: Double) {
        self.limit = limit
    }

    /// Whether the work is due this turn; `backlog` tells whether the read stopped with more waiting.
    mutating func isDue(backlog: Bool, now: Double) -> Bool {
        guard backlog else {
            since = nil
            return true
        }
        guard let since, now - since >= limit else {
            if since == nil { since = now }
            return false
        }
        self.since = now
        return true
    }
}
