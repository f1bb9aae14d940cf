import ChungTayWire
import Foundation

/// The human rendering of `status`: one line per worker, per kind and per batch.
enum StatusText {
    static func render(_ status: StatusReport) -> String {
        var lines: [String] = []
        let draining = status.draining ? " (draining)" : ""
        lines.append("dispatcher \(status.clientEndpoint) / \(status.workerEndpoint)\(draining)  up \(duration(status.uptimeSeconds))")
        lines.append("workers: \(status.workers.filter { $0.state != .lost }.count) (\(status.workers.filter { $0.state == .lost }.count) lost)")
        for worker in status.workers {
            lines.append("  \(worker.name)  \(worker.state.rawValue)  host=\(worker.host ?? "-")  \(worker.protocol)"
                + "  kinds=\(worker.kinds.joined(separator: ","))  in-flight=\(worker.inFlight)/\(worker.credit)"
                + "  done=\(worker.done) failed=\(worker.failed) rate=\(number(worker.tasksPerSecond))/s"
                + "  heartbeat=\(number(worker.lastHeartbeatSecondsAgo))s ago")
        }
        lines.append("queues:")
        for (kind, queue) in status.queues.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(kind)  queued=\(queue.queued) delayed=\(queue.delayed) running=\(queue.running) completed=\(queue.completed) dead=\(queue.dead)"
                + " oldest=\(duration(queue.oldestWaitingSeconds)) retries-waiting=\(queue.retriesWaiting)")
        }
        lines.append("tasks:")
        for (kind, outcomes) in status.tasks.sorted(by: { $0.key < $1.key }) {
            let durations = status.taskDurations[kind].map { "  mean=\(meanText($0))" } ?? ""
            lines.append("  \(kind)  succeeded=\(outcomes.succeeded) failed=\(outcomes.failed) retried=\(outcomes.retried)"
                + " dead-lettered=\(outcomes.deadLettered) timed-out=\(outcomes.timedOut)\(durations)")
        }
        lines.append("batches:")
        for batch in status.batches {
            lines.append("  \(batch.id)  \(batch.name)  \(batch.state)  \(batch.done + batch.failed)/\(batch.total) done=\(batch.done) failed=\(batch.failed)"
                + " rate=\(number(batch.ratePerSecond))/s eta=\(batch.etaSeconds.map(duration) ?? "-")")
        }
        lines.append("in flight: \(status.leasesInFlight)  journal commits: \(status.journalCommitDurations.count) (mean \(meanText(status.journalCommitDurations)))"
            + "  log records dropped: \(status.logRecordsDropped)")
        lines.append("dead letters: \(status.deadLetters)")
        return lines.joined(separator: "\n")
    }

    /// A histogram's mean duration, e.g. `12.5ms`.
    static func meanText(_ histogram: StatusReport.Histogram) -> String {
        guard histogram.count > 0 else { return "-" }
        let seconds = Double(histogram.sumNanoseconds) / 1e9 / Double(histogram.count)
        return seconds < 1 ? "\(number(seconds * 1000))ms" : "\(number(seconds))s"
    }

    /// Seconds as `42s`, `3m05s` or `2h07m`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m" + String(format: "%02ds", whole % 60) }
        return "\(whole / 3600)h" + String(format: "%02dm", whole / 60 % 60)
    }

    /// A figure with at most one decimal.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
