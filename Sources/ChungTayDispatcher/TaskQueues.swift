import Collections
import ChungTayStore

/// A task waiting for a worker.
struct QueuedTask {
    var id: UInt64
    var kind: String
    var priority: Int16
    /// Attempts already made (the next lease is attempt `attempts + 1`).
    var attempts: Int
    /// Kept in memory while the cache budget allows; otherwise read back from the journal on dispatch.
    var payload: [UInt8]?
    var batchId: String? = nil
    /// Bytes of the payload, known even when the payload itself is not in memory.
    var payloadSize: Int
    /// Monotonic seconds when it last joined a queue (``TaskQueues/now`` then).
    var enqueuedAt = 0.0

    init(id: UInt64, kind: String, priority: Int16, attempts: Int, payload: [UInt8], batchId: String?) {
        self.init(id: id, kind: kind, priority: priority, attempts: attempts, payload: payload, batchId: batchId, payloadSize: payload.count)
    }

    init(_ job: QueuedJob) {
        self.init(id: job.id, kind: job.kind, priority: job.priority, attempts: job.attempts, payload: nil, batchId: job.batchId,
                  payloadSize: job.payloadSize)
    }

    fileprivate init(
        id: UInt64, kind: String, priority: Int16, attempts: Int, payload: [UInt8]?, batchId: String?, payloadSize: Int, enqueuedAt: Double = 0
    ) {
        self.id = id
        self.kind = kind
        self.priority = priority
        self.attempts = attempts
        self.payload = payload
        self.batchId = batchId
        self.payloadSize = payloadSize
        self.enqueuedAt = enqueuedAt
    }
}

/// One queue per kind; within a kind, higher priority first, then first in, first out.
///
/// Priorities are few in practice, so each kind keeps one FIFO per priority level and a
/// sorted list of levels: push and pop stay O(1) amortised even with millions of tasks
/// queued, where a binary heap over all tasks would cost O(log n) and lose FIFO order.
///
/// A million queued tasks must fit the dispatcher's memory target, so a level holds 24-byte
/// entries: the kind and priority are the queue's and the level's, and what few tasks carry
/// (attempts made, a batch, a cached payload) lies in tables keyed by task id. A
/// `QueuedTask` is put back together when it leaves.
struct TaskQueues {
    private struct Entry {
        var id: UInt64
        var payloadSize: Int
        var enqueuedAt: Double
    }

    private struct KindQueue {
        var levels: [Int16: Deque<Entry>] = [:]
        /// Non-empty levels, highest first.
        var order: [Int16] = []
        var count = 0
        /// Tasks with an attempt made already.
        var retries = 0
    }

    private var queues: [String: KindQueue] = [:]
    /// Attempts already made, for the queued tasks that ran before (most never did).
    private var attempts: [UInt64: Int] = [:]
    /// The batch of each queued task that belongs to one.
    private var batchIds: [UInt64: String] = [:]
    /// Payloads kept in memory, within the budget; the others are read back on dispatch.
    private var payloads: [UInt64: [UInt8]] = [:]
    /// What the payload cache costs, counted as memory: each payload's bytes plus
    /// ``payloadEntryOverhead``.
    private(set) var cachedPayloadBytes = 0
    let payloadBudget: Int
    /// The time tasks pushed now are stamped with: the dispatcher sets it once a turn,
    /// so a push reads no clock.
    var now = 0.0

    /// Memory a cached payload takes beyond its bytes: the array's header (32 bytes), the
    /// allocator's rounding and header (about 16), and its slot in the table (key and value,
    /// at the table's load factor). Counting only the bytes let a budget of 32 MiB hold a
    /// million small payloads in 80 MB.
    static let payloadEntryOverhead = 72

    init(payloadBudget: Int) {
        self.payloadBudget = payloadBudget
    }

    func count(of kind: String) -> Int { queues[kind]?.count ?? 0 }

    var kinds: some Collection<String> { queues.keys }

    var total: Int { queues.values.reduce(0) { $0 + $1.count } }

    /// Queued tasks of `kind` that ran before.
    func retries(of kind: String) -> Int { queues[kind]?.retries ?? 0 }

    /// When the task of `kind` queued longest joined: the earliest first of the priority levels.
    func oldestEnqueuedAt(of kind: String) -> Double? {
        queues[kind]?.levels.values.compactMap { $0.first?.enqueuedAt }.min()
    }

    mutating func push(_ task: QueuedTask) {
        if let payload = task.payload {
            let cost = payload.count + Self.payloadEntryOverhead
            if cachedPayloadBytes + cost <= payloadBudget {
                cachedPayloadBytes += cost
                payloads[task.id] = payload
            }
        }
        if task.attempts > 0 { attempts[task.id] = task.attempts }
        if let batchId = task.batchId { batchIds[task.id] = batchId }
        var queue = queues.removeValue(forKey: task.kind) ?? KindQueue()
        if queue.levels[task.priority] == nil {
            queue.levels[task.priority] = Deque()
            let position = queue.order.firstIndex { $0 < task.priority } ?? queue.order.endIndex
            queue.order.insert(task.priority, at: position)
        }
        queue.levels[task.priority]!.append(Entry(id: task.id, payloadSize: task.payloadSize, enqueuedAt: now))
        queue.count += 1
        if task.attempts > 0 { queue.retries += 1 }
        queues[task.kind] = queue
    }

    /// The task `pop` would return, left in place.
    func first(of kind: String) -> QueuedTask? {
        guard let queue = queues[kind], let level = queue.order.first, let entry = queue.levels[level]!.first else { return nil }
        return task(entry, kind: kind, priority: level, payload: payloads[entry.id])
    }

    mutating func pop(kind: String) -> QueuedTask? {
        guard var queue = queues.removeValue(forKey: kind), let level = queue.order.first else { return nil }
        let entry = queue.levels[level]!.removeFirst()
        if queue.levels[level]!.isEmpty {
            queue.levels[level] = nil
            queue.order.removeFirst()
        }
        let payload = payloads.removeValue(forKey: entry.id)
        let task = task(entry, kind: kind, priority: level, payload: payload)
        attempts[entry.id] = nil
        batchIds[entry.id] = nil
        queue.count -= 1
        if task.attempts > 0 { queue.retries -= 1 }
        if queue.count > 0 { queues[kind] = queue }
        if let payload { cachedPayloadBytes -= payload.count + Self.payloadEntryOverhead }
        return task
    }

    private func task(_ entry: Entry, kind: String, priority: Int16, payload: [UInt8]?) -> QueuedTask {
        QueuedTask(id: entry.id, kind: kind, priority: priority, attempts: attempts[entry.id] ?? 0, payload: payload,
                   batchId: batchIds[entry.id], payloadSize: entry.payloadSize, enqueuedAt: entry.enqueuedAt)
    }
}

/// Tasks waiting out a retry backoff, earliest deadline first.
struct DelayedTasks {
    private struct Entry: Comparable {
        var due: Double
        var task: QueuedTask
        static func < (lhs: Entry, rhs: Entry) -> Bool { (lhs.due, lhs.task.id) < (rhs.due, rhs.task.id) }
        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.due == rhs.due && lhs.task.id == rhs.task.id }
    }

    private var heap = Heap<Entry>()
    private(set) var countByKind: [String: Int] = [:]

    var nextDue: Double? { heap.min?.due }

    mutating func insert(_ task: QueuedTask, due: Double) {
        var task = task
        task.payload = nil
        heap.insert(Entry(due: due, task: task))
        countByKind[task.kind, default: 0] += 1
    }

    /// Removes and returns every task due at or before `now`.
    mutating func popDue(now: Double) -> [QueuedTask] {
        var due: [QueuedTask] = []
        while let first = heap.min, first.due <= now {
            let entry = heap.removeMin()
            countByKind[entry.task.kind, default: 1] -= 1
            due.append(entry.task)
        }
        return due
    }
}
