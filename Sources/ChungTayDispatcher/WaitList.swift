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
    private var nextKey = 0

    mutating func add(_ wait: Wait) {
        let key = nextKey
        nextKey += 1
        waits[key] = wait
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
                done.append(wait)
            }
        }
        return done
    }
}
