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

    private init(id: UInt64, kind: String, priority: Int16, attempts: Int, payload: [UInt8]?, batchId: String?, payloadSize: Int) {
        self.id = id
        self.kind = kind
        self.priority = priority
        self.attempts = attempts
        self.payload = payload
        self.batchId = batchId
        self.payloadSize = payloadSize
    }
}

/// One queue per kind; within a kind, higher priority first, then first in, first out.
///
/// Priorities are few in practice, so each kind keeps one FIFO per priority level and a
/// sorted list of levels: push and pop stay O(1) amortised even with millions of tasks
/// queued, where a binary heap over all tasks would cost O(log n) and lose FIFO order.
struct TaskQueues {
    private struct KindQueue {
        var levels: [Int16: Deque<QueuedTask>] = [:]
        /// Non-empty levels, highest first.
        var order: [Int16] = []
        var count = 0
        /// Tasks with an attempt made already.
        var retries = 0
    }

    private var queues: [String: KindQueue] = [:]
    private(set) var cachedPayloadBytes = 0
    let payloadBudget: Int
    /// The time tasks pushed now are stamped with: the dispatcher sets it once a turn,
    /// so a push reads no clock.
    var now = 0.0

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
        var task = task
        task.enqueuedAt = now
        if let payload = task.payload {
            if cachedPayloadBytes + payload.count <= payloadBudget {
                cachedPayloadBytes += payload.count
            } else {
                task.payload = nil
            }
        }
        var queue = queues.removeValue(forKey: task.kind) ?? KindQueue()
        if queue.levels[task.priority] == nil {
            queue.levels[task.priority] = Deque()
            let position = queue.order.firstIndex { $0 < task.priority } ?? queue.order.endIndex
            queue.order.insert(task.priority, at: position)
        }
        queue.levels[task.priority]!.append(task)
        queue.count += 1
        if task.attempts > 0 { queue.retries += 1 }
        queues[task.kind] = queue
    }

    /// The task `pop` would return, left in place.
    func first(of kind: String) -> QueuedTask? {
        guard let queue = queues[kind], let level = queue.order.first else { return nil }
        return queue.levels[level]!.first
    }

    mutating func pop(kind: String) -> QueuedTask? {
        guard var queue = queues.removeValue(forKey: kind), let level = queue.order.first else { return nil }
        let task = queue.levels[level]!.removeFirst()
        if queue.levels[level]!.isEmpty {
            queue.levels[level] = nil
            queue.order.removeFirst()
        }
        queue.count -= 1
        if task.attempts > 0 { queue.retries -= 1 }
        if queue.count > 0 { queues[kind] = queue }
        cachedPayloadBytes -= task.payload?.count ?? 0
        return task
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
