import ChungTayWire

/// The figures `/metrics` exports, read from one answer of the dispatcher: the one place
/// that reads STATUS-REPORT and BATCH-LIST for the metrics.
///
/// Counters are cumulative as the dispatcher reports them; `MetricsFeed` turns them into
/// increments.
struct MetricFigures {
    /// Durations in fixed buckets with their exact sum, as `StatusReport.Histogram` holds
    /// them: counts not cumulative, the last one above the last bound.
    struct Histogram {
        var boundsSeconds: [Double]
        var counts: [UInt64]
        var sumNanoseconds: UInt64
    }

    /// One batch's jobs, for the batch progress gauges.
    struct Batch {
        var id: String
        var queued: Int
        var completed: Int
        var dead: Int
    }

    /// Worker states as `status --json` spells them; every one is exported, 0 when none is in it.
    static let workerStates = ["idle", "busy", "draining", "lost"]
    /// Complete batches keep their gauges while among the latest this many; running ones always do.
    static let completeBatchesShown = 8

    /// By kind, then outcome (`succeeded`, `failed`, `retried`, `deadLettered`, `timedOut`).
    var tasks: [String: [String: Int]] = [:]
    var taskDurations: [String: Histogram] = [:]
    var journalCommitDurations: Histogram?
    var queueDepth: [String: Int] = [:]
    var oldestWaitingSeconds: [String: Double] = [:]
    var leasesInFlight = 0
    var workersByState: [String: Int] = [:]
    var deadLetters = 0
    var batches: [Batch] = []
    var logRecordsDropped = 0

    init(_ snapshot: DispatcherView.Snapshot) {
        let report = snapshot.status
        for (kind, outcomes) in report.tasks {
            tasks[kind] = [
                "succeeded": outcomes.succeeded, "failed": outcomes.failed, "retried": outcomes.retried,
                "deadLettered": outcomes.deadLettered, "timedOut": outcomes.timedOut,
            ]
        }
        for (kind, durations) in report.taskDurations { taskDurations[kind] = Histogram(durations) }
        journalCommitDurations = Histogram(report.journalCommitDurations)
        for (kind, queue) in report.queues {
            queueDepth[kind] = queue.queued
            oldestWaitingSeconds[kind] = queue.oldestWaitingSeconds
        }
        leasesInFlight = report.leasesInFlight
        for state in Self.workerStates { workersByState[state] = 0 }
        for worker in report.workers { workersByState[worker.state.rawValue, default: 0] += 1 }
        deadLetters = report.deadLetters
        logRecordsDropped = report.logRecordsDropped
        let running = snapshot.batches.filter { !$0.isComplete }
        let complete = snapshot.batches.filter(\.isComplete).suffix(Self.completeBatchesShown)
        batches = (running + complete).map { Batch(id: $0.id, queued: $0.jobs.queued, completed: $0.jobs.completed, dead: $0.jobs.dead) }
    }
}

extension MetricFigures.Histogram {
    /// A count or sum below zero (a broken report) counts as zero.
    init(_ reported: StatusReport.Histogram) {
        boundsSeconds = reported.boundsSeconds
        counts = reported.counts.map { UInt64(clamping: $0) }
        sumNanoseconds = UInt64(clamping: reported.sumNanoseconds)
    }
}
