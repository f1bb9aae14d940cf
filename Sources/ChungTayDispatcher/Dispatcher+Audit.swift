import ChungTayCoding
import ChungTayStore
import ChungTayWire
import Foundation

/// The audit trail (`DATA/audit.jsonl`, see `AuditTrail`): who submitted each job and
/// batch, which worker processed each task, dead letters and their retries, look-ups.
///
/// Lines are made once per commit, grouped (one line per worker, kind and batch listing
/// the task ids, one per submission request), never per task; they wait in ``audit`` and
/// are written with one `write` once the commit succeeded, before its acknowledgements,
/// and at the end of the turn (``flushAudit(syncing:)``).
extension Dispatcher {
    /// The lines of a commit that succeeded: its submissions, completions and failures.
    func auditCommitted(_ turn: Turn, receipt: JournalReceipt) {
        let time = AuditLine.time(turn.commit.now)
        for submission in turn.submissions {
            var groups: [TaskGroup] = []
            for index in submission.range where !receipt.submissions[index].existed {
                let job = turn.commit.submissions[index]
                TaskGroup.add(receipt.submissions[index].jobId, kind: job.kind, batch: job.batchId, to: &groups)
            }
            for group in groups {
                AuditLine.append(to: &audit.pending, time: time, event: .jobsSubmitted) { writer in
                    write(submission.client, into: &writer)
                    group.write(idsKey: "jobs", into: &writer)
                }
            }
        }
        var completed: [TaskGroup] = []
        for (index, completion) in turn.completions.enumerated() where receipt.followUps[index] != nil {
            let task = completion.lease.task
            TaskGroup.add(task.id, kind: task.kind, batch: task.batchId, worker: turn.commit.completions[index].worker, to: &completed)
        }
        for group in completed {
            AuditLine.append(to: &audit.pending, time: time, event: .tasksCompleted) { group.write(idsKey: "tasks", into: &$0) }
        }
        var failed: [TaskGroup] = []
        for failure in turn.failures {
            let task = failure.lease.task
            TaskGroup.add(task.id, kind: task.kind, batch: task.batchId, worker: failure.worker, code: failure.code,
                          dead: failure.retryDelay == nil, to: &failed)
        }
        for group in failed {
            AuditLine.append(to: &audit.pending, time: time, event: group.dead ? .tasksDeadLettered : .tasksFailed) {
                group.write(idsKey: "tasks", into: &$0)
            }
        }
    }

    func auditDeadLettersRetried(_ jobIds: [UInt64], by client: ClientIdentity) {
        guard !jobIds.isEmpty else { return }
        AuditLine.append(to: &audit.pending, time: AuditLine.time(clock.date), event: .deadLettersRetried) { writer in
            write(client, into: &writer)
            writer.key("jobs")
            AuditLine.ids(jobIds, into: &writer)
        }
    }

    func auditBatchOpened(_ record: BatchRecord, by client: ClientIdentity) {
        audit.syncSoon = true
        AuditLine.append(to: &audit.pending, time: AuditLine.time(record.createdAt), event: .batchOpened) { writer in
            writer.key("batch")
            writer.string(record.id)
            writer.key("name")
            writer.string(record.name)
            writer.key("submittedBy")
            writer.string(record.submittedBy)
            write(client, into: &writer)
        }
    }

    func auditBatchSealed(_ batchId: String, by client: ClientIdentity) {
        audit.syncSoon = true
        AuditLine.append(to: &audit.pending, time: AuditLine.time(clock.date), event: .batchSealed) { writer in
            writer.key("batch")
            writer.string(batchId)
            write(client, into: &writer)
        }
    }

    func auditBatchCompleted(_ batchId: String, jobs: BatchStatus.Jobs) {
        audit.syncSoon = true
        AuditLine.append(to: &audit.pending, time: AuditLine.time(clock.date), event: .batchCompleted) { writer in
            writer.key("batch")
            writer.string(batchId)
            writer.key("jobs")
            writer.openObject()
            writer.key("completed")
            writer.integer(jobs.completed)
            writer.key("dead")
            writer.integer(jobs.dead)
            writer.closeObject()
        }
    }

    /// A RESULTS look-up: the household code only as its key hash; the user the client
    /// names (its OS user), beside what the transport says.
    func auditResultsLookedUp(key: String, batchId: String?, requestedBy: String?, by client: ClientIdentity) {
        AuditLine.append(to: &audit.pending, time: AuditLine.time(clock.date), event: .resultsLookedUp) { writer in
            if let requestedBy {
                writer.key("user")
                writer.string(requestedBy)
            }
            write(client, into: &writer)
            writer.key("keyHash")
            writer.string(AuditLine.keyHash(key))
            if let batchId {
                writer.key("batch")
                writer.string(batchId)
            }
        }
    }

    /// Writes the turn's lines, and syncs when a second has passed, a batch event asks for
    /// it, or `syncing` (at shutdown). A failed write keeps the lines for the next turn (up
    /// to ``AuditBuffer/maxPendingBytes``, then drops and counts them): the audit trail
    /// never stops the dispatcher's work.
    func flushAudit(syncing: Bool = false) {
        let now = clock.now
        do {
            try auditTrail.append(audit.pending)
            audit.pending.removeAll(keepingCapacity: audit.pending.count <= 1 << 20)
            if syncing || audit.syncSoon || now >= audit.nextSync {
                try auditTrail.sync()
                audit.syncSoon = false
                audit.nextSync = now + AuditBuffer.syncInterval
            }
            if audit.failing { logger.notice("audit trail written again", metadata: ["path": "\(auditTrail.path)"]) }
            audit.failing = false
        } catch {
            if !audit.failing {
                logger.error("cannot write the audit trail; keeping its lines", metadata: ["path": "\(auditTrail.path)", "error": "\(error)"])
            }
            audit.failing = true
            if audit.pending.count > AuditBuffer.maxPendingBytes {
                audit.droppedBytes += audit.pending.count
                logger.error("audit lines dropped", metadata: ["bytes": "\(audit.pending.count)", "droppedBytes": "\(audit.droppedBytes)"])
                audit.pending = []
            }
        }
    }

    private func write(_ client: ClientIdentity, into writer: inout JSONWriter) {
        writer.key("client")
        writer.openObject()
        writer.key("address")
        writer.string(client.address)
        writer.key("routingId")
        writer.string(Self.hex(client.routingId))
        writer.key("protocol")
        writer.string(client.wireProtocol.rawValue)
        writer.closeObject()
    }
}

/// Task or job ids of one audit line: those of one worker (for tasks), kind and batch
/// (and, for failures, error code and outcome) in one commit.
private struct TaskGroup {
    var kind: String
    var batch: String?
    var worker: String?
    var code: String?
    var dead = false
    var ids: [UInt64] = []

    /// Adds `id` to its group, looked for from the last one: a worker's results arrive
    /// together, so the search is short.
    static func add(
        _ id: UInt64, kind: String, batch: String?, worker: String? = nil, code: String? = nil, dead: Bool = false,
        to groups: inout [TaskGroup]
    ) {
        if let index = groups.lastIndex(where: {
            $0.kind == kind && $0.batch == batch && $0.worker == worker && $0.code == code && $0.dead == dead
        }) {
            groups[index].ids.append(id)
        } else {
            groups.append(TaskGroup(kind: kind, batch: batch, worker: worker, code: code, dead: dead, ids: [id]))
        }
    }

    func write(idsKey: StaticString, into writer: inout JSONWriter) {
        if let worker {
            writer.key("worker")
            writer.string(worker)
        }
        writer.key("kind")
        writer.string(kind)
        if let batch {
            writer.key("batch")
            writer.string(batch)
        }
        if let code {
            writer.key("code")
            writer.string(code)
        }
        writer.key(idsKey)
        AuditLine.ids(ids, into: &writer)
    }
}
