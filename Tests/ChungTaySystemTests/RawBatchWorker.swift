import ChungTayClient
import ChungTayWire

/// A raw CTWP01 worker serving `test.raw` (or another kind) beside an open batch: the
/// set-up of the tests that answer a batch's tasks by hand, with results no reference
/// worker would send.
struct RawBatchWorker {
    let worker: RawPeer
    let client: DispatcherClient
    let batchId: String
    let kind: String

    init(_ sandbox: Sandbox, _ dispatcher: DispatcherProcess, batchName: String, kind: String = "test.raw") throws {
        self.kind = kind
        worker = try RawPeer(.dealer, connect: dispatcher.workerEndpoint)
        try worker.send(WorkerMessage.ready(name: "raw", kinds: [kind], credit: 10).encode())
        try sandbox.waitForWorker("raw", endpoint: dispatcher.clientEndpoint)
        client = try DispatcherClient(endpoint: dispatcher.clientEndpoint)
        batchId = try client.openBatch(BatchOpening(name: batchName, asOf: "2026-11-27", whatIf: false, submittedBy: "test", inputs: [])).id
    }

    /// A job of the batch, of the worker's kind, with this idempotency key and these counters.
    func job(_ key: String, counters: [Counter] = []) -> JobSpec {
        JobSpec(kind: kind, payload: Array("{}".utf8), idempotencyKey: key, batchId: batchId, counters: counters)
    }

    /// Submits one job per key; their ids.
    func submit(keys: [String]) throws -> [UInt64] {
        guard case .accepted(let receipts) = try client.call(.submit(keys.map { job($0) })) else { throw HarnessError("expected ACCEPTED") }
        return receipts.map(\.jobId)
    }

    /// Reads TASKS until `count` tasks have arrived; their ids.
    func receiveTasks(_ count: Int) throws -> Set<UInt64> {
        var tasks: Set<UInt64> = []
        while tasks.count < count {
            let frames = try worker.receive("TASKS")
            if case .tasks(let assigned) = try WorkerMessage.decode(frames.dropFirst()) { tasks.formUnion(assigned.map(\.taskId)) }
        }
        return tasks
    }
}
