import ChungTayStore

extension Dispatcher {
    /// Keys deleted per turn at most, so pruning never holds a turn for long.
    static var outboxPruneSlice: Int { 10_000 }

    /// Drops de-duplication keys that are no longer live (`OutboxWrites`), a slice a turn
    /// while there are many and then once an hour: the key table of an office that reviews
    /// its lists every month stays about a month of notifications long.
    func pruneOutboxKeysIfDue() {
        let now = clock.now
        guard now >= nextOutboxPrune else { return }
        do {
            let removed = try journal.pruneOutboxKeys(now: clock.date, limit: Self.outboxPruneSlice)
            nextOutboxPrune = removed == Self.outboxPruneSlice ? now : now + 3600
            if removed > 0 { logger.debug("outbox keys pruned", metadata: ["keys": "\(removed)"]) }
        } catch {
            nextOutboxPrune = now + 60
            logger.warning("cannot prune outbox keys; trying again in a minute", metadata: ["error": "\(error)"])
        }
    }
}
