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

    private var waits: [Int: Wait] = [:]
    private var byJob: [UInt64: [Int]] = [:]
    private var byPeer: [[UInt8]: Set<Int>] = [:]
    private var nextKey = 0

    mutating func add(_ wait: Wait) {
        let key = nextKey
        nextKey += 1
        waits[key] = wait
        byPeer[wait.envelope.routingId, default: []].insert(key)
        for id in wait.pending { byJob[id, default: []].append(key) }
    }

    /// Drops every wait of the peer with this routing id; returns how many there were.
    mutating func removeAll(from routingId: [UInt8]) -> Int {
        let keys = byPeer.removeValue(forKey: routingId) ?? []
        for key in keys {
            guard let wait = waits.removeValue(forKey: key) else { continue }
            for id in wait.pending {
                byJob[id]?.removeAll { $0 == key }
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
        for key in keys {
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
