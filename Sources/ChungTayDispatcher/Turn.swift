import ChungTayStore
import ChungTayWire
import Foundation

/// What one dispatcher turn gathered: the journal commit to make and what to do once
/// the commit is durable (or failed).
struct Turn {
    struct Submission {
        enum Origin {
            case native(Envelope, requestId: UInt64)
            case majordomo(Envelope, service: String)
            /// A 9/TSP `titanic.request`: its UUID is the answer, sent once the commit is durable.
            case titanic(Envelope)
        }

        var origin: Origin
        var range: Range<Int>
        /// Who sent it, for the audit trail.
        var client: ClientIdentity
    }

    struct Completion {
        var lease: Lease
        /// What an MDP client gets back: the documents, or an MDP worker's raw reply.
        var reply: [[UInt8]]
    }

    struct Failure {
        var lease: Lease
        /// Seconds to wait before the retry; nil when the task is dead.
        var retryDelay: Double?
        var code: String
        var message: String
        /// The worker that held the lease, for the audit trail.
        var worker: String
    }

    var commit: JournalCommit
    var submissions: [Submission] = []
    var completions: [Completion] = []
    /// Failed attempts, including those of a worker that died holding the task: back to the
    /// queue (or the dead letters) once the commit has recorded the attempt.
    var failures: [Failure] = []
    /// What the turn's batch counters may reach, so no commit can overflow one.
    var counterBounds = BatchCounterBounds()
    /// Batches with a SUBMIT in this turn: a seal must wait until its jobs are committed.
    var submittedBatches: Set<String> = []
    /// MDP requests taken this turn, by client and in all: they count against the
    /// ``MajordomoReplies`` caps before the commit gives them their slots.
    var majordomoRequests: [[UInt8]: Int] = [:]
    var majordomoRequestCount = 0
    /// Tasks whose result could not even be appended to the store: they wait out the
    /// storage backoff like the tasks of a failed commit.
    var unstored: [Lease] = []

    init(now: Date) {
        commit = JournalCommit(now: now)
    }
}

extension Dispatcher {
    /// Makes the turn durable, then acts on it. On a storage failure nothing is
    /// acknowledged: submitters get `storage` errors and every task waits out the
    /// storage backoff in the delayed queue, its attempt not counted.
    func finish(_ turn: Turn) {
        var turn = turn
        let hadUnstored = !turn.unstored.isEmpty
        if hadUnstored {
            storageFailed(tasks: turn.unstored, error: "a result could not be appended to the store")
            turn.unstored = []
        }
        // Kinds alone wait out the storage backoff, like the rest of the disk work.
        if !turn.commit.isEmpty || !storageBackoff.isPaused(at: clock.now) { turn.commit.newKinds = announcedKinds.unpersisted }
        guard !turn.commit.isEmpty else { return }
        let receipt: JournalReceipt
        let commitStarted = clock.now
        do {
            try writePayloads(of: &turn.commit)
            turn.commit.segmentEnds = try store.sync().merging(try payloadStore.sync()) { _, new in new }
            receipt = try journal.commit(turn.commit)
            store.markCommitted(turn.commit.segmentEnds)
            payloadStore.markCommitted(turn.commit.segmentEnds)
            figures.journalCommitted(seconds: clock.now - commitStarted)
        } catch {
            rollBackStores()
            abandon(turn, error: "\(error)")
            return
        }
        if !hadUnstored { storageBackoff.succeeded() }
        announcedKinds.committed(turn.commit.newKinds)
        // Appended (and, when the once-a-second or batch-event fdatasync is due, synced) before
        // this turn's acknowledgements. If the append fails the acknowledgements still go out:
        // the lines wait in memory for the next turn, and past AuditBuffer.maxPendingBytes they
        // are dropped (logged), so then the trail can lack what a client was told.
        auditCommitted(turn, receipt: receipt)
        flushAudit()
        acknowledge(turn.submissions, receipts: receipt.submissions, jobs: turn.commit.submissions)
        var touchedBatches: Set<String> = []
        for (index, completion) in turn.completions.enumerated() {
            let record = turn.commit.completions[index]
            if let batchId = record.batchId, let followUpIds = receipt.followUps[index] {
                touchedBatches.insert(batchId)
                batches.finished(batchId, as: .completed, counters: record.counters.map { ($0.name, $0.value) }, worker: record.worker)
                batches.queued(batchId, count: followUpIds.count)
                for (id, job) in zip(followUpIds, record.followUps) {
                    queues.push(QueuedTask(id: id, kind: job.kind, priority: job.priority, attempts: 0, payload: job.payload, batchId: batchId))
                }
            }
            completed(completion)
        }
        for failure in turn.failures {
            if failure.retryDelay == nil, let batchId = failure.lease.task.batchId {
                touchedBatches.insert(batchId)
                batches.finished(batchId, as: .dead)
            }
            failed(failure)
        }
        completeBatchesIfDone(touchedBatches)
    }

    /// Appends the payloads of the turn's new jobs (submissions and follow-ups) to the
    /// payload segments; the journal rows will point at them.
    private func writePayloads(of commit: inout JournalCommit) throws(StoreError) {
        commit.payloadLocations = []
        commit.payloadLocations.reserveCapacity(commit.submissions.count)
        for job in commit.submissions {
            commit.payloadLocations.append(try payloadStore.append(kind: Self.payloadKind, documents: [job.payload]))
        }
        for index in commit.completions.indices where !commit.completions[index].followUps.isEmpty {
            commit.completions[index].followUpLocations = try commit.completions[index].followUps.map { job throws(StoreError) in
                try payloadStore.append(kind: Self.payloadKind, documents: [job.payload])
            }
        }
    }

    /// The payload segments' one directory, `DATA/payloads/jobs/`.
    static var payloadKind: String { DataDirectory.payloadKind }

    private func acknowledge(_ submissions: [Turn.Submission], receipts: [SubmitReceipt], jobs: [JobSpec]) {
        for receipt in zip(receipts, jobs) where !receipt.0.existed {
            let job = receipt.1
            queues.push(QueuedTask(id: receipt.0.jobId, kind: job.kind, priority: job.priority, attempts: 0, payload: job.payload,
                                   batchId: job.batchId))
            if let batchId = job.batchId { batches.queued(batchId, counters: job.counters.map { ($0.name, $0.value) }) }
        }
        for submission in submissions {
            switch submission.origin {
            case .native(let envelope, let requestId):
                let reply = ClientMessage<ClientReply>(requestId: requestId, body: .accepted(Array(receipts[submission.range])))
                _ = send(envelope.wrap(reply.encode()), to: clientSocket)
            case .majordomo(let envelope, let service):
                majordomoClients.add(.init(envelope: envelope, service: service), for: receipts[submission.range.lowerBound].jobId)
            case .titanic(let envelope):
                titanicAccepted(envelope, jobId: receipts[submission.range.lowerBound].jobId)
            }
        }
    }

    private func completed(_ completion: Turn.Completion) {
        let task = completion.lease.task
        kindCounts[task.kind, default: KindCounts()].succeeded()
        if let client = majordomoClients.take(task.id) {
            _ = send(client.envelope.wrap(Majordomo.clientReply(service: client.service, body: completion.reply)), to: clientSocket)
        }
        answerWaits(finishing: task.id)
    }

    private func failed(_ failure: Turn.Failure) {
        var task = failure.lease.task
        task.attempts = failure.lease.attempt
        kindCounts[task.kind, default: KindCounts()].failed(deadLettered: failure.retryDelay == nil)
        if let delay = failure.retryDelay {
            if delay > 0 {
                delayed.insert(task, due: clock.now + delay)
            } else {
                queues.push(task)
            }
            return
        }
        logger.warning("task dead-lettered", metadata: [
            "task": "\(task.id)", "kind": "\(task.kind)", "attempts": "\(task.attempts)", "code": "\(failure.code)",
        ])
        if let client = majordomoClients.take(task.id) {
            let body = Self.majordomoErrorBody(code: failure.code, message: failure.message)
            _ = send(client.envelope.wrap(Majordomo.clientReply(service: client.service, body: [body])), to: clientSocket)
        }
        answerWaits(finishing: task.id)
    }

    /// Forgets the appends of a failed commit. If even that fails, later appends would
    /// follow the abandoned ones and commit them as if they were theirs: stop instead,
    /// and the next start cuts the store back to the journal.
    func rollBackStores() {
        do {
            try store.rollBack()
            try payloadStore.rollBack()
        } catch {
            logger.critical("cannot roll the store back; stopping", metadata: ["error": "\(error)"])
            storageBroken = true
        }
    }

    /// Starts (or lengthens) the storage backoff; `tasks` wait it out in the delayed
    /// queue with their attempts unchanged.
    func storageFailed(tasks: [Lease], error: String) {
        let now = clock.now
        let delay = storageBackoff.failed(now: now)
        logger.error("storage failure; pausing the disk work", metadata: [
            "error": "\(error)", "retryIn": "\(delay)", "consecutiveFailures": "\(storageBackoff.consecutiveFailures)",
            "tasksDelayed": "\(tasks.count)",
        ])
        for lease in tasks { delayed.insert(lease.task, due: now + delay) }
    }

    /// The commit failed: refuse the submissions, and the turn's tasks wait out the storage backoff unchanged.
    private func abandon(_ turn: Turn, error: String) {
        for submission in turn.submissions {
            switch submission.origin {
            case .native(let envelope, let requestId):
                let reply = ClientMessage<ClientReply>(requestId: requestId, body: .error(code: WireError.Code.storage.rawValue, message: error))
                _ = send(envelope.wrap(reply.encode()), to: clientSocket)
            case .majordomo:
                break
            case .titanic(let envelope):
                titanicAbandoned(envelope, error: error)
            }
        }
        storageFailed(tasks: turn.completions.map(\.lease) + turn.failures.map(\.lease), error: error)
    }

    func answerWaits(finishing jobId: UInt64) {
        for wait in waits.finish(jobId) {
            answer(wait)
        }
    }

    func answer(_ wait: WaitList.Wait) {
        do {
            let documents = try jobDocuments(wait.jobIds, records: try journal.jobs(wait.jobIds))
            let reply = ClientMessage<ClientReply>(requestId: wait.requestId, body: .waitDone(documents))
            _ = send(wait.envelope.wrap(reply.encode()), to: clientSocket)
        } catch {
            let reply = ClientMessage<ClientReply>(requestId: wait.requestId, body: .error(code: WireError.Code.storage.rawValue, message: "\(error)"))
            _ = send(wait.envelope.wrap(reply.encode()), to: clientSocket)
        }
    }

    /// The job documents of one reply (JOB-INFO, WAIT-DONE), in order. Their results and
    /// error texts together stay within the maximum message size: a result that no longer fits is left
    /// out (`"resultOmitted":true`, `"result":null`) instead of read, so a job with a huge
    /// list result cannot make the dispatcher build a reply of hundreds of megabytes.
    func jobDocuments(_ ids: [UInt64], records: [UInt64: JobRecord]) throws -> [[UInt8]] {
        var budget = configuration.maxMessageSize
        return try ids.map { id throws -> [UInt8] in
            guard let record = records[id] else { return Array("null".utf8) }
            budget -= min(budget, JobDocument.errorSize(record))
            let size = record.result.map { Int(clamping: $0.length) } ?? 0
            guard size <= budget else { return try jobDocument(record, includingResult: false) }
            budget -= size
            return try jobDocument(record)
        }
    }

    func jobDocument(_ record: JobRecord, includingResult: Bool = true) throws -> [UInt8] {
        let result = includingResult ? try record.result.map { try store.read($0) } : nil
        let state: String
        if leases.contains(record.id) {
            state = "running"
        } else if record.state == .queued, record.attempts > 0 {
            state = "retrying"
        } else {
            state = record.state.name
        }
        return JobDocument.make(record, state: state, result: result, resultOmitted: !includingResult && record.result != nil)
    }
}
