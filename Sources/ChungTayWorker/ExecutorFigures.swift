import ChungTayWire
import Synchronization

/// The figures of the tasks the executors ran, per kind, cumulative since the start: what
/// the runtime's heartbeats report. An executor counts each task in its own batch figures
/// (in place, no lock, no allocation) and adds them here once per batch; the runtime reads
/// them once per heartbeat. Shared memory rather than a message: a message per batch cost
/// an encode and a full, validating decode for figures only.
final class ExecutorFigures: Sendable {
    private let kinds = Mutex<[String: WorkerStats.KindFigures]>([:])

    /// Adds a batch's figures and empties `batch` (keeping its capacity for the next).
    func add(_ batch: inout [String: WorkerStats.KindFigures]) {
        guard !batch.isEmpty else { return }
        kinds.withLock { kinds in
            for (kind, figures) in batch { kinds[kind, default: WorkerStats.KindFigures()].add(figures) }
        }
        batch.removeAll(keepingCapacity: true)
    }

    /// Everything counted so far.
    var snapshot: [String: WorkerStats.KindFigures] {
        kinds.withLock { $0 }
    }
}
