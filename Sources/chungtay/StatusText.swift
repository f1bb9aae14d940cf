import ChungTayWire

/// The human rendering of `status`: one line per worker and per kind.
enum StatusText {
    static func render(_ status: StatusReport) -> String {
        var lines: [String] = []
        let draining = status.draining ? " (draining)" : ""
        lines.append("dispatcher \(status.clientEndpoint) / \(status.workerEndpoint)\(draining)")
        lines.append("workers: \(status.workers.count)")
        for worker in status.workers {
            lines.append("  \(worker.name)  \(worker.protocol)  kinds=\(worker.kinds.joined(separator: ","))  in-flight=\(worker.inFlight)/\(worker.credit)")
        }
        lines.append("queues:")
        for (kind, queue) in status.queues.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(kind)  queued=\(queue.queued) delayed=\(queue.delayed) running=\(queue.running) completed=\(queue.completed) dead=\(queue.dead)")
        }
        lines.append("dead letters: \(status.deadLetters)")
        return lines.joined(separator: "\n")
    }
}
