import ChungTayWire

/// A task handed to a worker and not yet answered.
struct Lease {
    var task: QueuedTask
    var worker: Envelope
    /// The attempt this lease is (1 for the first run).
    var attempt: Int
}

/// Every task out with a worker, by task id and by worker, so a dead worker's tasks can
/// be found at once and a late answer from a worker that lost its lease is recognised.
struct LeaseTable {
    private var leases: [UInt64: Lease] = [:]
    private var byWorker: [Envelope: Set<UInt64>] = [:]
    private var bytesByWorker: [Envelope: Int] = [:]
    private(set) var countByKind: [String: Int] = [:]

    var count: Int { leases.count }
    var isEmpty: Bool { leases.isEmpty }

    func contains(_ taskId: UInt64) -> Bool { leases[taskId] != nil }

    func count(for worker: Envelope) -> Int { byWorker[worker]?.count ?? 0 }

    /// Payload bytes of the tasks a worker holds.
    func bytes(for worker: Envelope) -> Int { bytesByWorker[worker] ?? 0 }

    mutating func grant(_ task: QueuedTask, to worker: Envelope) -> Lease {
        let lease = Lease(task: task, worker: worker, attempt: task.attempts + 1)
        leases[task.id] = lease
        byWorker[worker, default: []].insert(task.id)
        bytesByWorker[worker, default: 0] += task.payloadSize
        countByKind[task.kind, default: 0] += 1
        return lease
    }

    /// Ends the lease if `worker` holds it; an answer from anyone else is stale.
    mutating func release(_ taskId: UInt64, heldBy worker: Envelope) -> Lease? {
        guard let lease = leases[taskId], lease.worker == worker else { return nil }
        leases[taskId] = nil
        byWorker[worker]?.remove(taskId)
        bytesByWorker[worker]? -= lease.task.payloadSize
        countByKind[lease.task.kind, default: 1] -= 1
        return lease
    }

    /// Ends every lease a worker holds (it died or left).
    mutating func releaseAll(heldBy worker: Envelope) -> [Lease] {
        let ids = byWorker.removeValue(forKey: worker) ?? []
        bytesByWorker[worker] = nil
        return ids.sorted().compactMap { id in
            guard let lease = leases.removeValue(forKey: id) else { return nil }
            countByKind[lease.task.kind, default: 1] -= 1
            return lease
        }
    }
}
