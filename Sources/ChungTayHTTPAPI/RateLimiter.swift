import ChungTayWire
import Synchronization

/// Requests per identity: a token bucket of `rate` tokens a second holding at most `burst`,
/// one token a request (`--http-rate`, burst twice that).
///
/// At most `capacity` identities are remembered; a new one beyond forgets the least recently
/// seen, whose next request starts from a full bucket again. That is the price of a bound
/// when more identities (remote addresses, for unauthenticated requests) come than fit.
/// Finding, refreshing and forgetting an identity are O(1) (``Table``), so a flood of new
/// addresses costs no scan of the table under its lock.
final class RateLimiter: Sendable {
    let rate: Int
    let burst: Int
    let capacity: Int
    private let table = Mutex(Table())

    /// Tokens as of `refilled`.
    private struct Bucket {
        var tokens: Double
        var refilled: ContinuousClock.Instant
    }

    /// The remembered identities in the order they were last seen: slots linked newest to
    /// oldest, and a dictionary from identity to slot. A forgotten identity's slot is reused.
    private struct Table {
        struct Slot {
            var key: String
            var bucket: Bucket
            var newer: Int?
            var older: Int?
        }

        var slots: [Slot] = []
        var index: [String: Int] = [:]
        var newest: Int?
        var oldest: Int?

        mutating func unlink(_ slot: Int) {
            let (newer, older) = (slots[slot].newer, slots[slot].older)
            if let newer { slots[newer].older = older } else { newest = older }
            if let older { slots[older].newer = newer } else { oldest = newer }
        }

        mutating func makeNewest(_ slot: Int) {
            slots[slot].newer = nil
            slots[slot].older = newest
            if let newest { slots[newest].newer = slot }
            newest = slot
            if oldest == nil { oldest = slot }
        }
    }

    init(rate: Int, capacity: Int) {
        self.rate = rate
        burst = rate.multipliedReportingOverflow(by: 2).overflow ? Int.max : rate * 2
        self.capacity = max(1, capacity)
    }

    /// Nil when `key` may make a request now (its token is taken); else the whole seconds
    /// until it may (at least 1), for `Retry-After`.
    func admit(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        table.withLock { table in
            let full = Bucket(tokens: Double(burst), refilled: now)
            let slot: Int
            if let known = table.index[key] {
                slot = known
                table.unlink(slot)
            } else if table.slots.count >= capacity, let oldest = table.oldest {
                // Full: the least recently seen identity's slot becomes this one's.
                slot = oldest
                table.unlink(slot)
                table.index[table.slots[slot].key] = nil
                table.slots[slot].key = key
                table.slots[slot].bucket = full
            } else {
                slot = table.slots.count
                table.slots.append(.init(key: key, bucket: full))
            }
            table.index[key] = slot
            table.makeNewest(slot)
            var bucket = table.slots[slot].bucket
            let elapsed = max(0, (now - bucket.refilled).seconds)
            bucket.tokens = min(Double(burst), bucket.tokens + elapsed * Double(rate))
            bucket.refilled = now
            defer { table.slots[slot].bucket = bucket }
            guard bucket.tokens >= 1 else {
                return max(1, Int(((1 - bucket.tokens) / Double(rate)).rounded(.up)))
            }
            bucket.tokens -= 1
            return nil
        }
    }
}
