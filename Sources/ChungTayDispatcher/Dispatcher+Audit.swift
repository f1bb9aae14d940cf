import ChungTayStore
import ChungTayWire
import Foundation

/// The audit trail (`DATA/audit.jsonl`, see `AuditTrail`): who submitted each job and
/// batch, which worker processed each task, dead letters and their retries, look-ups.
///
/// Lines are made once per commit, grouped (one line per worker, kind and batch listing
/// the task ids, one per submission request), never per task; they wait in ``audit`` and
/// are written with one `write` once the commit succeeded, before its acknowledgements,
/// and at the end of the turn (``flushAudit(syncing:)``). A batch's opening and sealing, a
/// RESULTS look-up and a RETRY-DEAD-LETTERS are no turn's commit: their lines are written
/// (a batch event's synced) before the reply to them.
extension Dispatcher {
    /// The lines of a commit that succeeded: its submissions, completions and failures.
    func auditCommitted(_ turn: Turn, receipt: JournalReceipt) {
        let time = AuditLine.time(turn.commit.now)
        for submission in turn.submissions {
            var groups = TaskGroups()
            for index in submission.range where !receipt.submissions[index].existed {
                let job = turn.commit.submissions[index]
                groups.add(receipt.submissions[index].jobId, kind: job.kind, batch: job.batchId)
            }
            for group in groups.groups {
                AuditLine.append(to: &audit.pending, time: time, event: .jobsSubmitted, [
                    "client": member(submission.client), "kind": .string(group.kind), "batch": .string(group.batch),
                    "jobs": .ids(group.ids),
                ])
            }
        }
        var completed = TaskGroups()
        for (index, completion) in turn.completions.enumerated() where receipt.followUps[index] != nil {
            let task = completion.lease.task
            completed.add(task.id, kind: task.kind, batch: task.batchId, worker: turn.commit.completions[index].worker,
                          principal: completion.lease.workerPrincipal)
        }
        for group in completed.groups {
            if let principal = group.principal {
                AuditLine.append(to: &audit.pending, time: time, event: .tasksCompleted, [
                    "worker": .string(group.worker), "principal": .string(principal), "kind": .string(group.kind),
                    "batch": .string(group.batch), "tasks": .ids(group.ids),
                ])
            } else {
                AuditLine.append(to: &audit.pending, time: time, event: .tasksCompleted, [
                    "worker": .string(group.worker), "kind": .string(group.kind), "batch": .string(group.batch), "tasks": .ids(group.ids),
                ])
            }
        }
        var failed = TaskGroups()
        for failure in turn.failures {
            let task = failure.lease.task
            failed.add(task.id, kind: task.kind, batch: task.batchId, worker: failure.worker, principal: failure.lease.workerPrincipal,
                       code: failure.code, dead: failure.retryDelay == nil)
        }
        for group in failed.groups {
            let event: AuditEvent = group.dead ? .tasksDeadLettered : .tasksFailed
            if let principal = group.principal {
                AuditLine.append(to: &audit.pending, time: time, event: event, [
                    "worker": .string(group.worker), "principal": .string(principal), "kind": .string(group.kind),
                    "batch": .string(group.batch), "code": .string(group.code), "tasks": .ids(group.ids),
                ])
            } else {
                AuditLine.append(to: &audit.pending, time: time, event: event, [
                    "worker": .string(group.worker), "kind": .string(group.kind), "batch": .string(group.batch),
                    "code": .string(group.code), "tasks": .ids(group.ids),
                ])
            }
        }
    }

    func auditDeadLettersRetried(_ jobIds: [UInt64], by client: ClientIdentity) {
        guard !jobIds.isEmpty else { return }
        AuditLine.append(to: &audit.pending, time: AuditLine.time(clock.date), event: .deadLettersRetried, [
            "client": member(client), "jobs": .ids(jobIds),
        ])
    }

    func auditBatchOpened(_ record: BatchRecord, by client: ClientIdentity) {
        audit.syncSoon = true
        AuditLine.append(to: &audit.pending, time: AuditLine.time(record.createdAt), event: .batchOpened, [
            "batch": .string(record.id), "name": .string(record.name), "submittedBy": .string(record.submittedBy),
            "client": member(client),
        ])
    }

    func auditBatchSealed(_ batchId: String, by client: ClientIdentity) {
        audit.syncSoon = true
        AuditLine.append(to: &audit.pending, time: AuditLine.time(clock.date), event: .batchSealed, [
            "batch": .string(batchId), "client": member(client),
        ])
    }

    func auditBatchCompleted(_ batchId: String, jobs: BatchStatus.Jobs) {
        audit.syncSoon = true
        AuditLine.append(to: &audit.pending, time: AuditLine.time(clock.date), event: .batchCompleted, [
            "batch": .string(batchId), "jobs": .object(["completed": .integer(jobs.completed), "dead": .integer(jobs.dead)]),
        ])
    }

    /// A RESULTS look-up: the household code only as its key hash; the user the client
    /// names (its OS user), beside what the transport says.
    func auditResultsLookedUp(key: String, batchId: String?, requestedBy: String?, by client: ClientIdentity) {
        AuditLine.append(to: &audit.pending, time: AuditLine.time(clock.date), event: .resultsLookedUp, [
            "user": .string(requestedBy), "client": member(client), "keyHash": .string(AuditLine.keyHash(key)),
            "batch": .string(batchId),
        ])
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

    /// The `client` member: `{"address":…,"routingId":HEX,"protocol":…}`, with CURVE also
    /// `"principal":"ROLE/NAME","key":SHORT-ID` (the authenticated key, never the whole key).
    private func member(_ client: ClientIdentity) -> AuditLine.Value {
        guard let peer = client.peer else {
            return .object([
                "address": .string(client.address), "routingId": .string(Self.hex(client.routingId)),
                "protocol": .string(client.wireProtocol.rawValue),
            ])
        }
        return .object([
            "address": .string(client.address), "routingId": .string(Self.hex(client.routingId)),
            "protocol": .string(client.wireProtocol.rawValue), "principal": .string(peer.principal), "key": .string(peer.keyId),
        ])
    }
}

/// Task or job ids of one audit line: those of one worker (for tasks), kind and batch
/// (and, for failures, error code and outcome) in one commit.
private struct TaskGroup {
    struct Key: Hashable {
        var kind: String
        var batch: String?
        var worker: String?
        /// With CURVE, the worker's key's principal beside the name it claimed.
        var principal: String?
        var code: String?
        var dead: Bool
    }

    var key: Key
    var ids: [UInt64]
    var kind: String { key.kind }
    var batch: String? { key.batch }
    var worker: String? { key.worker }
    var principal: String? { key.principal }
    var code: String? { key.code }
    var dead: Bool { key.dead }
}

/// A commit's groups in the order first seen. A worker's results arrive together, so the
/// group of the previous id is compared first; any other is found by its key's hash, not by
/// a scan of the groups (a commit can hold hundreds of workers' interleaved results).
private struct TaskGroups {
    private(set) var groups: [TaskGroup] = []
    private var positions: [TaskGroup.Key: Int] = [:]

    mutating func add(
        _ id: UInt64, kind: String, batch: String?, worker: String? = nil, principal: String? = nil, code: String? = nil, dead: Bool = false
    ) {
        let key = TaskGroup.Key(kind: kind, batch: batch, worker: worker, principal: principal, code: code, dead: dead)
        if let last = groups.indices.last, groups[last].key == key {
            groups[last].ids.append(id)
        } else if let position = positions[key] {
            groups[position].ids.append(id)
        } else {
            positions[key] = groups.count
            groups.append(TaskGroup(key: key, ids: [id]))
        }
    }
}
