import ChungTayWire

/// A task handed to a worker and not yet answered.
struct Lease {
    var task: QueuedTask
    var worker: Envelope
    /// The attempt this lease is (1 for the first run).
    var attempt: Int
    /// Monotonic seconds when it was granted, for the per-task deadline.
    var grantedAt: Double
    /// With CURVE, the holder's principal, for the audit trail (the worker may be gone by
    /// the time its task's outcome is written).
    var workerPrincipal: String?
}

/// Every task out with a worker, by task id and by worker, so a dead worker's tasks can
/// be found at once and a late answer from a worker that lost its lease is recognised.
struct LeaseTable {
    private var leases: [UInt64: Lease] = [:]
    private var byWorker: [Envelope: Set<UInt64>] = [:]
    private var bytesByWorker: [Envelope: Int] = [:]
    /// Tasks whose lease expired while the worker still runs them (a hung handler): each
    /// keeps one of the worker's credit slots busy until the worker answers or leaves, so
    /// the task's next attempt goes to a worker with a free slot, usually another one.
    private var overdueByWorker: [Envelope: Set<UInt64>] = [:]
    private(set) var countByKind: [String: Int] = [:]

    var count: Int { leases.count }
    var isEmpty: Bool { leases.isEmpty }

    func contains(_ taskId: UInt64) -> Bool { leases[taskId] != nil }

    /// Credit slots a worker has in use: its leases and the overdue tasks it still runs.
    func count(for worker: Envelope) -> Int { (byWorker[worker]?.count ?? 0) + (overdueByWorker[worker]?.count ?? 0) }

    /// Payload bytes of the tasks a worker holds.
    func bytes(for worker: Envelope) -> Int { bytesByWorker[worker] ?? 0 }

    mutating func grant(_ task: QueuedTask, to worker: Envelope, principal: String? = nil, at now: Double) -> Lease {
        let lease = Lease(task: task, worker: worker, attempt: task.attempts + 1, grantedAt: now, workerPrincipal: principal)
        leases[task.id] = lease
        byWorker[worker, default: []].insert(task.id)
        bytesByWorker[worker, default: 0] += task.payloadSize
        countByKind[task.kind, default: 0] += 1
        return lease
    }

    /// Ends the lease if `worker` holds it; an answer from anyone else is stale. An answer
    /// for a task whose lease `worker` lost to the deadline frees the slot it kept busy and
    /// nothing else, even when the task was leased to `worker` again: answers carry no attempt
    /// number, and a worker answers its runs in order, so the first answer is the late one.
    /// The new lease stays for the run it stands for, whose answer is the one stored, so the
    /// task gets exactly one document and the worker's slots are counted right.
    mutating func release(_ taskId: UInt64, heldBy worker: Envelope) -> Lease? {
        if overdueByWorker[worker]?.remove(taskId) != nil {
            if overdueByWorker[worker]?.isEmpty == true { overdueByWorker[worker] = nil }
            return nil
        }
        guard let lease = leases[taskId], lease.worker == worker else { return nil }
        leases[taskId] = nil
        byWorker[worker]?.remove(taskId)
        bytesByWorker[worker]? -= lease.task.payloadSize
        countByKind[lease.task.kind, default: 1] -= 1
        return lease
    }

    /// True when `worker` lost this task's lease to the deadline and has not answered yet.
    func isOverdue(_ taskId: UInt64, heldBy worker: Envelope) -> Bool {
        overdueByWorker[worker]?.contains(taskId) == true
    }

    /// Ends every lease a worker holds (it died or left).
    mutating func releaseAll(heldBy worker: Envelope) -> [Lease] {
        let ids = byWorker.removeValue(forKey: worker) ?? []
        bytesByWorker[worker] = nil
        overdueByWorker[worker] = nil
        return ids.sorted().compactMap { id in
            guard let lease = leases.removeValue(forKey: id) else { return nil }
            countByKind[lease.task.kind, default: 1] -= 1
            return lease
        }
    }

    /// Ends every lease granted before `deadline`; each task stays on its worker's
    /// overdue list until the worker answers for it or leaves.
    mutating func expire(grantedBefore deadline: Double) -> [Lease] {
        let expired = leases.values.filter { $0.grantedAt < deadline }.sorted { $0.task.id < $1.task.id }
        for lease in expired {
            _ = release(lease.task.id, heldBy: lease.worker)
            overdueByWorker[lease.worker, default: []].insert(lease.task.id)
        }
        return expired
    }
}
