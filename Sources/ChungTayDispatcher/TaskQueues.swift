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
    }

    private var queues: [String: KindQueue] = [:]
    private(set) var cachedPayloadBytes = 0
    let payloadBudget: Int

    init(payloadBudget: Int) {
        self.payloadBudget = payloadBudget
    }

    func count(of kind: String) -> Int { queues[kind]?.count ?? 0 }

    var kinds: some Collection<String> { queues.keys }

    var total: Int { queues.values.reduce(0) { $0 + $1.count } }

    mutating func push(_ task: QueuedTask) {
        var task = task
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
        queues[task.kind] = queue
    }

    mutating func pop(kind: String) -> QueuedTask? {
        guard var queue = queues.removeValue(forKey: kind), let level = queue.order.first else { return nil }
        let task = queue.levels[level]!.removeFirst()
        if queue.levels[level]!.isEmpty {
            queue.levels[level] = nil
            queue.order.removeFirst()
        }
        queue.count -= 1
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
