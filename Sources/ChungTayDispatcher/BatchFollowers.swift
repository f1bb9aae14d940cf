import ChungTayWire

/// Clients following a batch with a BATCH-STATUS long-poll (`batch submit --wait`): each is
/// answered when its batch completes or at its deadline, whichever is first, so a client
/// learns of completion within a turn instead of a polling interval.
///
/// Memory only, like ``WaitList``: a restart forgets them, and the client asks again.
struct BatchFollowers {
    struct Follower {
        var envelope: Envelope
        var requestId: UInt64
        var batchId: String
        /// On the dispatcher's clock (`DispatcherClock.now`).
        var deadline: Double
    }

    /// Most pending long-polls of one client peer, and of all peers together, so a peer
    /// cannot make the dispatcher hold (and scan each turn) more than this. The reference
    /// client has one pending per connection; a few more cover a reply lost to a slow turn.
    static let maxPerPeer = 16
    static let maxTotal = 1024

    private var followers: [Int: Follower] = [:]
    private var byBatch: [String: Set<Int>] = [:]
    private var byPeer: [[UInt8]: Set<Int>] = [:]
    private var nextKey = 0

    /// Long-polls not yet answered.
    var count: Int { followers.count }

    /// The earliest deadline, for the loop's poll timeout; nil when none is pending.
    var nextDeadline: Double? { followers.values.lazy.map(\.deadline).min() }

    /// Why a new long-poll of this peer is refused, or nil when it may be added.
    func refusal(for envelope: Envelope) -> String? {
        if byPeer[envelope.routingId, default: []].count >= Self.maxPerPeer {
            return "this client already has \(Self.maxPerPeer) BATCH-STATUS waits pending"
        }
        return followers.count >= Self.maxTotal ? "the dispatcher already holds \(Self.maxTotal) pending BATCH-STATUS waits" : nil
    }

    mutating func add(_ follower: Follower) {
        let key = nextKey
        nextKey += 1
        followers[key] = follower
        byBatch[follower.batchId, default: []].insert(key)
        byPeer[follower.envelope.routingId, default: []].insert(key)
    }

    /// The batch completed: every follower of it, in the order they came.
    mutating func complete(_ batchId: String) -> [Follower] {
        take(byBatch[batchId] ?? [])
    }

    /// Followers whose deadline is `now` or earlier, in the order they came. Asked every
    /// turn: with none pending (nearly always) it costs nothing.
    mutating func due(at now: Double) -> [Follower] {
        guard !followers.isEmpty else { return [] }
        return take(followers.filter { $0.value.deadline <= now }.keys)
    }

    /// Drops every follower of the peer with this routing id; returns how many there were.
    mutating func removeAll(from routingId: [UInt8]) -> Int {
        take(byPeer[routingId] ?? []).count
    }

    private mutating func take(_ keys: some Collection<Int>) -> [Follower] {
        // Keys grow with each add: sorted, the followers are answered in the order they came.
        keys.sorted().compactMap { key in
            guard let follower = followers.removeValue(forKey: key) else { return nil }
            byBatch[follower.batchId]?.remove(key)
            if byBatch[follower.batchId]?.isEmpty == true { byBatch[follower.batchId] = nil }
            byPeer[follower.envelope.routingId]?.remove(key)
            if byPeer[follower.envelope.routingId]?.isEmpty == true { byPeer[follower.envelope.routingId] = nil }
            return follower
        }
    }
}
