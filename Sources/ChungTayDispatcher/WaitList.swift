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
    private var byJob: [UInt64: [Int]] = [:]
    private var countByPeer: [[UInt8]: Int] = [:]
    private var nextKey = 0

    /// Why a new wait of this peer is refused, or nil when it may be added.
    func refusal(for envelope: Envelope) -> String? {
        if countByPeer[envelope.routingId, default: 0] >= Self.maxPerPeer {
            return "this client already has \(Self.maxPerPeer) WAITs pending"
        }
        return waits.count >= Self.maxTotal ? "the dispatcher already holds \(Self.maxTotal) pending WAITs" : nil
    }

    mutating func add(_ wait: Wait) {
        let key = nextKey
        nextKey += 1
        waits[key] = wait
        countByPeer[wait.envelope.routingId, default: 0] += 1
        for id in wait.pending { byJob[id, default: []].append(key) }
    }

    /// Marks a job final; returns the waits that it completed.
    mutating func finish(_ jobId: UInt64) -> [Wait] {
        guard let keys = byJob.removeValue(forKey: jobId) else { return [] }
        var done: [Wait] = []
        for key in keys {
            waits[key]?.pending.remove(jobId)
            if let wait = waits[key], wait.pending.isEmpty {
                waits[key] = nil
                countByPeer[wait.envelope.routingId, default: 1] -= 1
                if countByPeer[wait.envelope.routingId] == 0 { countByPeer[wait.envelope.routingId] = nil }
                done.append(wait)
            }
        }
        return done
    }
}
