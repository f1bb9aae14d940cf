import ChungTayWire
import Foundation
import Logging
import ZeroMQ

/// One executor thread: takes tasks from the runtime's ``ExecutorHandoff`` a few at a time,
/// runs the handler on each, and hands each outcome back as soon as it is known, so a fast
/// task's result does not wait for the slower ones taken with it.
///
/// The thread owns one socket, the PUSH that wakes the I/O thread (ZeroMQ sockets are not
/// thread-safe); it ends when the hand-off is closed, or when the context is shut down
/// under a wake-up it is sending.
enum TaskExecutor {
    static func start(context: ZMQContext, handoff: ExecutorHandoff, handlers: [String: any TaskHandler], workerName: String,
                      index: Int, executors: Int, figures: ExecutorFigures, logger: Logger) -> Thread {
        let thread = Thread {
            run(context: context, handoff: handoff, handlers: handlers, workerName: workerName, executors: executors,
                figures: figures, logger: logger)
        }
        thread.name = "chungtay-executor-\(index)"
        thread.start()
        return thread
    }

    /// Tasks an executor takes at once: enough that the lock and the figures' update stay a
    /// small share of an echo task's cost, few enough to spread work across executors.
    static let batchSize = 16

    private static func run(context: ZMQContext, handoff: ExecutorHandoff, handlers: [String: any TaskHandler], workerName: String,
                            executors: Int, figures: ExecutorFigures, logger: Logger) {
        guard let wake = try? ZMQSocket(context: context, type: .push) else { return }
        defer { wake.close() }
        do {
            try wake.setLinger(milliseconds: 0)
            try wake.setSendHighWaterMark(0)
            try wake.connect(ExecutorHandoff.wakeEndpoint)
            // Counted in place per task, handed to `figures` once per batch.
            var batchFigures: [String: WorkerStats.KindFigures] = [:]
            while let assignments = handoff.take(upTo: batchSize, sharedBy: executors) {
                // The level is read once per batch: with debug off, a task costs no log work at all.
                let tracing = logger.logLevel <= .debug
                for assignment in assignments {
                    if tracing { logger.debug("task started", metadata: metadata(of: assignment)) }
                    let started = DispatchTime.now().uptimeNanoseconds
                    let outcome = execute(assignment, handlers: handlers, workerName: workerName)
                    let nanoseconds = DispatchTime.now().uptimeNanoseconds &- started
                    if handlers[assignment.kind] != nil {
                        if case .success = outcome {
                            batchFigures[assignment.kind, default: WorkerStats.KindFigures()].count(done: true, nanoseconds: nanoseconds)
                        } else {
                            batchFigures[assignment.kind, default: WorkerStats.KindFigures()].count(done: false, nanoseconds: nanoseconds)
                        }
                    }
                    if tracing { logFinished(assignment, outcome, after: .nanoseconds(nanoseconds), logger: logger) }
                    // Never blocks: at most one wake-up is on its way at a time, into an unbounded pipe.
                    if handoff.finish(outcome) { try wake.send([[]], dontWait: true) }
                }
                figures.add(&batchFigures)
            }
        } catch let error as ZMQError where error.isTerminated {
            // The runtime is shutting down.
        } catch {
            // An executor that stopped silently would keep its tasks leased while the worker
            // heartbeats on; ending the process gives them back to the dispatcher.
            fatalError("executor wake-up socket failed: \(error)")
        }
    }

    private static func metadata(of assignment: TaskAssignment) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["task": "\(assignment.taskId)", "kind": "\(assignment.kind)", "attempt": "\(assignment.attempt)"]
        if let batch = assignment.batchId { metadata["batch"] = "\(batch)" }
        return metadata
    }

    /// The per-task debug line: finished with its duration, or failed with the handler's message.
    private static func logFinished(_ assignment: TaskAssignment, _ outcome: Result<TaskResult, TaskFailure>, after duration: Duration, logger: Logger) {
        var metadata = metadata(of: assignment)
        metadata["seconds"] = "\(duration.seconds)"
        switch outcome {
        case .success:
            logger.debug("task finished", metadata: metadata)
        case .failure(let failure):
            metadata["code"] = "\(failure.code)"
            metadata["retryable"] = "\(failure.retryable)"
            logger.debug("task failed: \(failure.message)", metadata: metadata)
        }
    }

    static func execute(_ assignment: TaskAssignment, handlers: [String: any TaskHandler], workerName: String) -> Result<TaskResult, TaskFailure> {
        guard let handler = handlers[assignment.kind] else {
            return .failure(TaskFailure(taskId: assignment.taskId, retryable: true, code: WireError.Code.noHandler.rawValue,
                                        message: "worker \(workerName) has no handler for \(assignment.kind)"))
        }
        let context = TaskContext(taskId: assignment.taskId, kind: assignment.kind, attempt: Int(assignment.attempt),
                                  payload: assignment.payload, batchId: assignment.batchId)
        do {
            let output = try handler.handle(context)
            let common = ResultDocument.Common(taskId: assignment.taskId, kind: assignment.kind, batchId: assignment.batchId,
                                               processedAt: Timestamp.now(), worker: workerName)
            // One bad body would make the dispatcher refuse the whole batched RESULT message.
            guard output.documents.allSatisfy(ResultDocumentCheck.isSingleLineObject),
                  output.keys.isEmpty || output.keys.count == output.documents.count,
                  output.outbox.isEmpty || output.outbox.count == output.documents.count,
                  output.followUps.allSatisfy({ JobSpec.isValidKind($0.kind.rawValue) }) else {
                return .failure(TaskFailure(taskId: assignment.taskId, retryable: false, code: WireError.Code.handlerFailed.rawValue,
                                            message: "the \(assignment.kind) handler returned documents that are not one-line JSON objects, keys or outbox keys that do not match them, or an invalid follow-up kind"))
            }
            // What RESULT encodes with a length prefix must fit it, or encoding would trap.
            guard output.keys.allSatisfy({ $0.utf8.count <= Int(UInt16.max) }),
                  output.outbox.allSatisfy({ $0.dedupKey.utf8.count <= OutboxKey.maximumBytes }),
                  output.counters.keys.allSatisfy({ (1...Counter.maxNameLength).contains($0.utf8.count) }),
                  output.counters.count <= Counter.maxPerJob, output.followUps.count <= Int(UInt16.max) else {
                return .failure(TaskFailure(taskId: assignment.taskId, retryable: false, code: WireError.Code.handlerFailed.rawValue,
                                            message: "the \(assignment.kind) handler returned a key over 65535 bytes, an outbox key over \(OutboxKey.maximumBytes) bytes, a counter name over \(Counter.maxNameLength) bytes, or more than \(Counter.maxPerJob) counters or too many follow-ups"))
            }
            // A batch chunk's documents are tasks of their own: `JOB.N`, stable across retries.
            var lines = DocumentLines()
            lines.reserveCapacity(bytes: output.documents.reduce(0) { $0 + $1.count + 160 }, lines: output.documents.count)
            let template = ResultDocument.Template(common)
            for (index, body) in output.documents.enumerated() {
                lines.append { template.write(body: body, position: assignment.batchId == nil ? nil : index + 1, to: &$0) }
            }
            return .success(TaskResult(
                taskId: assignment.taskId, lines: lines, isList: output.isList, keys: output.keys,
                followUps: output.followUps.map { JobSpec(kind: $0.kind.rawValue, payload: $0.payload) },
                counters: output.counters.sorted { $0.key < $1.key }.map { Counter(name: $0.key, value: $0.value) },
                outbox: output.outbox))
        } catch {
            return .failure(TaskFailure(taskId: assignment.taskId, retryable: error.retryable, code: error.code, message: error.message))
        }
    }
}
