import Synchronization

/// The long-polls (`?wait=`) open at once: at most `limit` in all and `perIdentity` for one
/// caller, so waiting requests cannot hold every connection or every pending call. A slot
/// is held for the wait's duration only (``withSlot(for:_:)``), so the counts cannot leak.
final class LongPollSlots: Sendable {
    let limit: Int
    let perIdentity: Int
    /// Open polls per identity; an identity with none has no entry, so at most `limit` entries.
    private let open = Mutex<(total: Int, byIdentity: [String: Int])>((0, [:]))

    init(limit: Int, perIdentity: Int) {
        self.limit = limit
        self.perIdentity = perIdentity
    }

    /// Runs `body` holding one of `key`'s slots; 429 `too_many_waits` when none is free.
    func withSlot<Value>(
        for key: String, _ body: () async throws(HTTPProblem) -> Value
    ) async throws(HTTPProblem) -> Value {
        let refusal: HTTPProblem? = open.withLock { open in
            guard open.total < limit else { return .tooManyWaits("\(limit) long-polls are open on this listener; retry later") }
            let mine = open.byIdentity[key, default: 0]
            guard mine < perIdentity else { return .tooManyWaits("this identity has \(perIdentity) long-polls open already") }
            open.total += 1
            open.byIdentity[key] = mine + 1
            return nil
        }
        if let refusal { throw refusal }
        defer {
            open.withLock { open in
                open.total -= 1
                let left = open.byIdentity[key, default: 1] - 1
                open.byIdentity[key] = left > 0 ? left : nil
            }
        }
        return try await body()
    }
}
