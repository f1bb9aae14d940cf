import ChungTayWire
import Foundation
import Logging
import ZeroMQ

/// One executor thread: takes batches of tasks from the runtime over inproc PUSH/PULL,
/// runs the handler on each, and pushes back one RESULT and one FAIL message per batch
/// (batches, because a thread wake-up per task cost more than the echo task itself).
///
/// Each thread owns its two sockets (ZeroMQ sockets are not thread-safe), and the
/// thread ends when the context is terminated, which wakes its blocking receive.
enum TaskExecutor {
    static let tasksEndpoint = "inproc://chungtay-worker-tasks"
    static let resultsEndpoint = "inproc://chungtay-worker-results"

    static func start(context: ZMQContext, handlers: [String: any TaskHandler], workerName: String, index: Int,
                      figures: ExecutorFigures, logger: Logger) -> Thread {
        let thread = Thread {
            run(context: context, handlers: handlers, workerName: workerName, figures: figures, logger: logger)
        }
        thread.name = "chungtay-executor-\(index)"
        thread.start()
        return thread
    }

    private static func run(context: ZMQContext, handlers: [String: any TaskHandler], workerName: String,
                            figures: ExecutorFigures, logger: Logger) {
        guard let tasks = try? ZMQSocket(context: context, type: .pull),
              let results = try? ZMQSocket(context: context, type: .push) else { return }
        defer {
            tasks.close()
            results.close()
        }
        do {
            try tasks.setLinger(milliseconds: 0)
            try results.setLinger(milliseconds: 0)
            try tasks.connect(tasksEndpoint)
            try results.connect(resultsEndpoint)
            // Counted in place per task, handed to `figures` once per batch.
            var batchFigures: [String: WorkerStats.KindFigures] = [:]
            while let frames = try tasks.receive() {
                guard case .tasks(let assignments) = try WorkerMessage.decode(frames.dropFirst()) else { continue }
                var done: [TaskResult] = []
                var failed: [TaskFailure] = []
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
                    switch outcome {
                    case .success(let result): done.append(result)
                    case .failure(let failure): failed.append(failure)
                    }
                }
                if !done.isEmpty { try results.send(WorkerMessage.results(done).encode()) }
                if !failed.isEmpty { try results.send(WorkerMessage.failures(failed).encode()) }
                figures.add(&batchFigures)
            }
        } catch let error as ZMQError where error.isTerminated {
            // The runtime is shutting down.
        } catch {
            // An executor that stopped silently would keep its tasks leased while the worker
            // heartbeats on; ending the process gives them back to the dispatcher.
            fatalError("executor socket failed: \(error)")
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
