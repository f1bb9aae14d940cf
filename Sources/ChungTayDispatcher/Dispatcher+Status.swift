import ChungTayWire

/// STATUS-REPORT: built once per STATUS request from what the dispatcher keeps anyway
/// and from ``OperatorFigures``; nothing here runs per task.
extension Dispatcher {
    /// Most open batches listed, and most completed ones after them.
    static var maxOpenBatchesListed: Int { 32 }
    static var maxCompletedBatchesListed: Int { 8 }

    func statusReport() -> StatusReport {
        let now = clock.now
        var kinds = Set(acceptedKinds)
        kinds.formUnion(kindCounts.keys)
        var queueReports: [String: StatusReport.Queue] = [:]
        for kind in kinds {
            let delayedCount = delayed.countByKind[kind] ?? 0
            queueReports[kind] = StatusReport.Queue(
                queued: queues.count(of: kind), delayed: delayedCount,
                running: leases.countByKind[kind] ?? 0,
                completed: kindCounts[kind]?.completed ?? 0, dead: kindCounts[kind]?.dead ?? 0,
                oldestWaitingSeconds: queues.oldestEnqueuedAt(of: kind).map { Self.tenths(now - $0) } ?? 0,
                retriesWaiting: queues.retries(of: kind) + delayedCount)
        }
        let registered = workers.workers.values.sorted { $0.name < $1.name }.map { workerReport($0, at: now) }
        return StatusReport(
            clientEndpoint: boundClientEndpoint, workerEndpoint: boundWorkerEndpoint, draining: draining,
            uptimeSeconds: (now - startedAt).rounded(),
            workers: registered + figures.lostWorkers(at: now),
            queues: queueReports,
            deadLetters: kindCounts.values.reduce(0) { $0 + $1.dead },
            pendingWaits: waits.count, pendingMajordomoReplies: majordomoClients.count,
            batches: batchReports(at: now),
            tasks: kindCounts.compactMapValues { $0.outcomes == StatusReport.TaskOutcomes() ? nil : $0.outcomes },
            taskDurations: figures.taskDurations.mapValues(StatusReport.Histogram.init),
            journalCommitDurations: StatusReport.Histogram(figures.journalCommitDurations),
            leasesInFlight: leases.count,
            // Workers' counts come from the wire: added without overflow, whatever they claim.
            logRecordsDropped: figures.reported.values.reduce(logRecordsDropped) { total, worker in
                Self.saturating(total, plus: worker.stats.logRecordsDropped)
            })
    }

    /// A registered worker as listed, and as kept once it is lost.
    func workerReport(_ worker: WorkerRecord, at now: Double) -> StatusReport.Worker {
        let reported = figures.reported[worker.envelope]
        let inFlight = leases.count(for: worker.envelope)
        let state: StatusReport.Worker.State = if reported?.stats.draining == true {
            .draining
        } else {
            inFlight > 0 ? .busy : .idle
        }
        let finished = reported?.stats.kinds.values.reduce((done: 0, failed: 0)) { sum, figures in
            (Self.saturating(sum.done, plus: figures.done), Self.saturating(sum.failed, plus: figures.failed))
        } ?? (done: 0, failed: 0)
        let seenAgo = Self.tenths(now - worker.lastSeen)
        return StatusReport.Worker(
            name: worker.name, protocol: worker.wireProtocol == .native ? "native" : "mdp", kinds: worker.kinds,
            credit: worker.credit, inFlight: inFlight, lastSeenSecondsAgo: seenAgo, host: reported?.stats.host,
            state: state, done: finished.done, failed: finished.failed,
            tasksPerSecond: Self.tenths(reported?.tasksPerSecond ?? 0),
            lastHeartbeatSecondsAgo: reported.map { Self.tenths(now - $0.receivedAt) } ?? seenAgo)
    }

    /// Open batches (oldest first), then the last completed (newest first), each with its
    /// rate over the last second or more and the time its queued jobs need at that rate.
    private func batchReports(at now: Double) -> [StatusReport.Batch] {
        let all = batches.all
        let open = all.filter { !$0.isComplete }.prefix(Self.maxOpenBatchesListed)
        let completed = all.reversed().filter(\.isComplete).prefix(Self.maxCompletedBatchesListed)
        let listed = Array(open) + Array(completed)
        figures.forgetBatchRates(except: Set(listed.map(\.record.id)))
        return listed.map { entry in
            let done = entry.jobs[.completed] ?? 0
            let failed = entry.jobs[.dead] ?? 0
            let rate = entry.isComplete ? 0 : Self.tenths(figures.batchRate(entry.record.id, finished: done + failed, at: now))
            return StatusReport.Batch(
                id: entry.record.id, name: entry.record.name, state: entry.state,
                total: entry.jobs.values.reduce(0, +), done: done, failed: failed, ratePerSecond: rate,
                etaSeconds: rate > 0 && !entry.isComplete ? (Double(entry.queuedJobs) / rate).rounded() : nil)
        }
    }

    /// `total` + `value`, stopping at `Int.max`: a worker's figures come from the wire and
    /// may claim anything (a wrapped sum would show a negative count).
    static func saturating(_ total: Int, plus value: UInt64) -> Int {
        let (sum, overflow) = total.addingReportingOverflow(Int(clamping: value))
        return overflow ? .max : sum
    }

    /// Seconds to a tenth, as the report shows them.
    static func tenths(_ seconds: Double) -> Double {
        (seconds * 10).rounded() / 10
    }
}
