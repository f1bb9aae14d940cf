import ChungTayWire
import Collections
import Foundation

/// Where a worker's I/O thread and its executor threads meet: tasks go down and finished
/// tasks come back up as Swift values under one lock.
///
/// Before, they travelled over inproc PUSH/PULL sockets: each task was encoded into frames,
/// copied into a message and decoded again on the executor, and each result was encoded by
/// the executor and decoded (its documents validated line by line) and re-encoded by the
/// I/O thread. Here nothing is encoded, copied or decoded between the threads; the I/O
/// thread encodes a result once, for the dispatcher.
///
/// The I/O thread bounds how many tasks it hands down (``WorkerRuntime``), so the queue here
/// holds at most that many. Executors wait on the condition while it is empty. The I/O thread
/// waits in `zmq_poll` beside its DEALER, so it cannot wait on the condition: the first
/// finished task after it last took the finished ones asks the executor to send one empty
/// message on an inproc socket it polls (``finish(_:)`` says when), which wakes it at once.
final class ExecutorHandoff: @unchecked Sendable {
    // @unchecked: every stored variable is read and written only with `condition` locked.
    private let condition = NSCondition()
    private var queued = Deque<TaskAssignment>()
    private var results: [TaskResult] = []
    private var failures: [TaskFailure] = []
    /// A wake-up message is on its way to the I/O thread and it has not yet taken what is finished.
    private var wakePending = false
    private var closed = false

    /// The inproc endpoint of the wake-up messages: the runtime's PULL binds it, each executor's PUSH connects.
    static let wakeEndpoint = "inproc://chungtay-worker-finished"

    /// I/O thread: queues tasks for the executors.
    func hand(_ tasks: some Sequence<TaskAssignment>) {
        condition.lock()
        let wasEmpty = queued.isEmpty
        queued.append(contentsOf: tasks)
        if wasEmpty { condition.broadcast() }
        condition.unlock()
    }

    /// Executor: waits for tasks and takes up to `limit` of them, or fewer so that every
    /// executor gets a share of a short queue; nil once ``close()`` was called.
    func take(upTo limit: Int, sharedBy executors: Int) -> [TaskAssignment]? {
        condition.lock()
        defer { condition.unlock() }
        while queued.isEmpty, !closed { condition.wait() }
        guard !closed else { return nil }
        let count = min(limit, queued.count, max(1, queued.count / executors))
        let batch = Array(queued.prefix(count))
        queued.removeFirst(count)
        return batch
    }

    /// Executor: hands back one finished task. Returns true when the caller must send the
    /// I/O thread a wake-up message: nothing was finished since it last took the finished tasks.
    func finish(_ outcome: Result<TaskResult, TaskFailure>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        switch outcome {
        case .success(let result): results.append(result)
        case .failure(let failure): failures.append(failure)
        }
        guard !wakePending else { return false }
        wakePending = true
        return true
    }

    /// I/O thread: takes everything finished so far. Called after reading the wake-up
    /// messages, so one sent for a task finished after this call stays to be read.
    func takeFinished() -> (results: [TaskResult], failures: [TaskFailure]) {
        condition.lock()
        defer { condition.unlock() }
        wakePending = false
        let finished = (results, failures)
        results.removeAll()
        failures.removeAll()
        return finished
    }

    /// Ends the executors: each returns from ``take(upTo:sharedBy:)`` with nil once its
    /// current task is done; tasks not taken are dropped.
    func close() {
        condition.lock()
        closed = true
        queued.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
