import ChungTayWire

/// What the dispatcher counts for operators (`status`, `top`, the metrics) beyond its
/// queues and ``KindCounts``: the workers' reported figures and task durations, the
/// journal's commit latency, lost workers and batch rates.
///
/// Nothing here is touched per task: everything happens once per worker heartbeat, per
/// commit or per STATUS request.
struct OperatorFigures {
    /// A registered worker's last report and the rate derived from the one before.
    struct ReportedFigures {
        var stats: WorkerStats
        var receivedAt: Double
        var tasksPerSecond: Double = 0
    }

    /// A worker gone without DISCONNECT, listed for a while.
    struct LostWorker {
        var report: StatusReport.Worker
        var lastSeen: Double
        /// Its last figures: the baseline if it registers again under the same name.
        var stats: WorkerStats?
    }

    private(set) var reported: [Envelope: ReportedFigures] = [:]
    private(set) var lost: [LostWorker] = []
    private(set) var taskDurations: [String: DurationHistogram] = [:]
    private(set) var journalCommitDurations = DurationHistogram()
    private var batchRates: [String: RateMeter] = [:]

    mutating func journalCommitted(seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        journalCommitDurations.observe(nanoseconds: UInt64(min(seconds * 1e9, 1e18)))
    }

    /// A heartbeat's figures: what changed since the worker's previous report goes into
    /// the task durations, kinds it did not announce are ignored (so the table stays as
    /// bounded as the announced kinds). A figure lower than before means a new process
    /// under the same name, whose report counts whole.
    mutating func received(_ stats: WorkerStats, from worker: WorkerRecord, at now: Double) {
        var stats = stats
        stats.kinds = stats.kinds.filter { worker.kinds.contains($0.key) }
        let previous = reported[worker.envelope]
        var finished: UInt64 = 0
        for (kind, figures) in stats.kinds {
            let change = previous?.stats.kinds[kind].flatMap { figures.subtracting($0) } ?? figures
            finished = [change.done, change.failed].reduce(finished) { sum, value in
                let (total, overflow) = sum.addingReportingOverflow(value)
                return overflow ? .max : total
            }
            let total = taskDurations[kind] ?? DurationHistogram()
            taskDurations[kind] = total.adding(change.durations) ?? total
        }
        var figures = ReportedFigures(stats: stats, receivedAt: now)
        if let previous, now > previous.receivedAt {
            figures.tasksPerSecond = Double(finished) / (now - previous.receivedAt)
        }
        reported[worker.envelope] = figures
    }

    /// A worker registered: a lost one of the same name is back, and its last figures are
    /// the baseline of its next report (it may only have reconnected).
    mutating func registered(_ worker: WorkerRecord, at now: Double) {
        guard let index = lost.firstIndex(where: { $0.report.name == worker.name }) else { return }
        if let stats = lost[index].stats { reported[worker.envelope] = ReportedFigures(stats: stats, receivedAt: now) }
        lost.remove(at: index)
    }

    /// A worker left; one that `died` stays listed as lost.
    mutating func left(_ worker: WorkerRecord, died: Bool, report: StatusReport.Worker) {
        let figures = reported.removeValue(forKey: worker.envelope)
        guard died else { return }
        var report = report
        report.state = .lost
        report.inFlight = 0
        lost.insert(LostWorker(report: report, lastSeen: worker.lastSeen, stats: figures?.stats), at: 0)
        if lost.count > StatusReport.maxLostWorkers { lost.removeLast(lost.count - StatusReport.maxLostWorkers) }
    }

    /// Lost workers still listed at `now`, their ages brought up to date.
    mutating func lostWorkers(at now: Double) -> [StatusReport.Worker] {
        lost.removeAll { now - $0.lastSeen > Double(StatusReport.lostWorkerMinutes * 60) }
        return lost.map { entry in
            var report = entry.report
            report.lastSeenSecondsAgo = ((now - entry.lastSeen) * 10).rounded() / 10
            report.lastHeartbeatSecondsAgo = report.lastSeenSecondsAgo
            report.tasksPerSecond = 0
            return report
        }
    }

    /// The batch's rate at `now` given its finished jobs, measured over at least a second.
    /// Batches not in `listed` are forgotten, so the table stays as long as the status list.
    mutating func batchRate(_ batchId: String, finished: Int, at now: Double) -> Double {
        var meter = batchRates[batchId] ?? RateMeter(now: now, value: finished)
        meter.observe(now: now, value: finished)
        batchRates[batchId] = meter
        return meter.perSecond
    }

    mutating func forgetBatchRates(except listed: Set<String>) {
        batchRates = batchRates.filter { listed.contains($0.key) }
    }
}

/// A rate from two samples at least a second apart: the change between them over the time between them.
struct RateMeter {
    private var previous: (time: Double, value: Int)
    private var current: (time: Double, value: Int)

    init(now: Double, value: Int) {
        previous = (now, value)
        current = (now, value)
    }

    mutating func observe(now: Double, value: Int) {
        guard now - current.time >= 1 else { return }
        previous = current
        current = (now, value)
    }

    var perSecond: Double {
        guard current.time > previous.time else { return 0 }
        return Double(max(0, current.value - previous.value)) / (current.time - previous.time)
    }
}
