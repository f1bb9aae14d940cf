import ChungTayWire

/// Clients waiting for jobs to finish (`submit --wait`, WAIT), answered when the last
/// of their jobs reaches a final state.
struct WaitList {
    struct Wait {
        var envelope: Envelope
        var requestId: UInt64
        var jobIds: [UInt64]
        var pending: Set<UInt64>
    }

    /// Most pending waits of one client peer, and of all peers together: each holds up to
    /// `ClientProtocol.maxWaitIds` ids until its jobs are final, so these bound the memory
    /// waits can take. The reference client has one WAIT pending per connection.
    static let maxPerPeer = 16
    static let maxTotal = 1024

    private var waits: [Int: Wait] = [:]
    /// Sets, so dropping a peer's waits costs one removal per id, not a scan of the job's waits.
    private var byJob: [UInt64: Set<Int>] = [:]
    private var byPeer: [[UInt8]: Set<Int>] = [:]
    private var nextKey = 0

    /// Why a new wait of this peer is refused, or nil when it may be added.
    func refusal(for envelope: Envelope) -> String? {
        if byPeer[envelope.routingId, default: []].count >= Self.maxPerPeer {
            return "this client already has \(Self.maxPerPeer) WAITs pending"
        }
        return waits.count >= Self.maxTotal ? "the dispatcher already holds \(Self.maxTotal) pending WAITs" : nil
    }

    mutating func add(_ wait: Wait) {
        let key = nextKey
        nextKey += 1
        waits[key] = wait
        byPeer[wait.envelope.routingId, default: []].insert(key)
        for id in wait.pending { byJob[id, default: []].insert(key) }
    }

    /// Drops every wait of the peer with this routing id; returns how many there were.
    mutating func removeAll(from routingId: [UInt8]) -> Int {
        let keys = byPeer.removeValue(forKey: routingId) ?? []
        for key in keys {
            guard let wait = waits.removeValue(forKey: key) else { continue }
            for id in wait.pending {
                byJob[id]?.remove(key)
                if byJob[id]?.isEmpty == true { byJob[id] = nil }
            }
        }
        return keys.count
    }

    private mutating func forget(_ key: Int, of routingId: [UInt8]) {
        byPeer[routingId]?.remove(key)
        if byPeer[routingId]?.isEmpty == true { byPeer[routingId] = nil }
    }

    /// Waits not yet answered, for STATUS.
    var count: Int { waits.count }

    /// Marks a job final; returns the waits that it completed.
    mutating func finish(_ jobId: UInt64) -> [Wait] {
        guard let keys = byJob.removeValue(forKey: jobId) else { return [] }
        var done: [Wait] = []
        // Keys grow with each add: sorted, the waits are answered in the order they came.
        for key in keys.sorted() {
            waits[key]?.pending.remove(jobId)
            if let wait = waits[key], wait.pending.isEmpty {
                waits[key] = nil
                forget(key, of: wait.envelope.routingId)
                done.append(wait)
            }
        }
        return done
    }
}
