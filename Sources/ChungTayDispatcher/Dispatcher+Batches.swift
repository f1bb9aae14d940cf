import ChungTayStore
import ChungTayWire
import Foundation

/// Batches (docs/BATCH.md): opening and sealing them, their status, completion with the
/// summary document, and lookups of stored documents by key.
extension Dispatcher {
    func handleBatch(_ request: ClientRequest, from envelope: Envelope, client: ClientIdentity, requestId: UInt64, turn: Turn) {
        let replyWith = { (body: ClientReply) in
            _ = self.send(envelope.wrap(ClientMessage(requestId: requestId, body: body).encode()), to: self.clientSocket)
        }
        let forbidden = { (text: String) in
            self.forbid(envelope, requestId: requestId, command: request.commandName, peer: client.peer, key: nil, text)
        }
        do {
            switch request {
            case .batchOpen(var opening):
                if draining {
                    refuse(envelope, WireError(.shuttingDown, "the dispatcher is shutting down; submit again later"), requestId: requestId)
                    return
                }
                // With CURVE the batch is the authenticated principal's, whatever the request claimed.
                if let peer = client.peer { opening.submittedBy = peer.principal }
                if let existing = batches.find(opening.name), !client.mayAct(asOwnerOf: existing.record.submittedBy) {
                    forbidden("batch name '\(opening.name)' is another client's batch; choose another name")
                    return
                }
                let (record, existed) = try journal.openBatch(opening, now: clock.date)
                if existed {
                    guard record.asOf == opening.asOf, record.whatIf == opening.whatIf, record.inputs == opening.inputs else {
                        refuse(envelope, WireError(.batchMismatch, "batch '\(opening.name)' (\(record.id)) was opened for other input or another as-of date; choose another name"), requestId: requestId)
                        return
                    }
                } else {
                    batches.insert(BatchTable.Entry(record: record, counters: [:], jobs: [:], workers: []))
                    logger.info("batch opened", metadata: ["batch": "\(record.id)", "name": "\(record.name)", "by": "\(record.submittedBy)"])
                    auditBatchOpened(record, by: client)
                }
                // Its line written and synced before the reply, as README promises of every
                // acknowledgement: the end of the turn would come after it.
                flushAudit()
                replyWith(.batchInfo(try batchStatus(record.id)))
            case .batchSeal(let sealing):
                guard let entry = batches[sealing.batchId] else {
                    refuse(envelope, WireError(.unknownBatch, "no batch \(sealing.batchId)"), requestId: requestId)
                    return
                }
                guard client.mayAct(asOwnerOf: entry.record.submittedBy) else {
                    forbidden("batch \(sealing.batchId) is another client's: only its owner or an operator key may seal it")
                    return
                }
                let mismatch = turn.submittedBatches.contains(sealing.batchId)
                    ? "a SUBMIT into batch \(sealing.batchId) is not committed yet; seal once it is accepted"
                    : entry.sealMismatch(sealing)
                if let mismatch {
                    refuse(envelope, WireError(.sealMismatch, mismatch), requestId: requestId)
                    return
                }
                if !entry.isSealed {
                    let sealedAt = clock.date
                    try journal.sealBatch(sealing, now: sealedAt)
                    batches.update(sealing.batchId) { entry in
                        entry.record.sealedAt = sealedAt
                        entry.record.householdChunks = sealing.householdChunks
                        entry.record.loanChunks = sealing.loanChunks
                        entry.record.inputErrors = sealing.inputErrors
                    }
                    logger.info("batch sealed", metadata: ["batch": "\(sealing.batchId)"])
                    auditBatchSealed(sealing.batchId, by: client)
                    completeBatchesIfDone([sealing.batchId])
                }
                flushAudit()
                replyWith(.batchInfo(try batchStatus(sealing.batchId)))
            case .batchStatus(let reference, let waitMilliseconds):
                guard let entry = batches.find(reference) else {
                    refuse(envelope, WireError(.unknownBatch, "no batch with id or name '\(reference)'"), requestId: requestId)
                    return
                }
                guard client.mayAct(asOwnerOf: entry.record.submittedBy) else {
                    forbidden("batch \(entry.record.id) is another client's: only its owner or an operator key may follow it")
                    return
                }
                if let waitMilliseconds, waitMilliseconds > 0, !entry.isComplete {
                    if let refusal = batchFollowers.refusal(for: envelope) {
                        refuse(envelope, WireError(.tooManyWaits, refusal), requestId: requestId)
                    } else {
                        batchFollowers.add(BatchFollowers.Follower(
                            envelope: envelope, requestId: requestId, batchId: entry.record.id,
                            deadline: clock.now + Double(waitMilliseconds) / 1000))
                    }
                    return
                }
                replyWith(.batchInfo(try batchStatus(entry.record.id)))
            case .batchList:
                // A client sees its own batches; operators see all.
                let statuses = batches.all.filter { client.mayAct(asOwnerOf: $0.record.submittedBy) }
                    .map { BatchStatus($0, dataDirectory: configuration.dataDirectory.path) }
                replyWith(.batchInfo(try BatchStatus.encoded(statuses)))
            case .results(let key, let batchId, let requestedBy):
                if let batchId, !client.mayAct(asOwnerOf: batches[batchId]?.record.submittedBy) {
                    forbidden("batch \(batchId) is another client's: only its owner or an operator key may read its documents")
                    return
                }
                // A client reads only documents of batches it owns; nil: no such limit.
                let ownBatches: Set<String>? = client.isOperator ? nil
                    : Set(batches.all.filter { client.mayAct(asOwnerOf: $0.record.submittedBy) }.map(\.record.id))
                // A key entry is checked, not trusted: its bytes must be one whole line, and a
                // document that names a household must name this one.
                let householdCode = Array(#""householdCode":"#.utf8)
                let ownCode = householdCode + Array(JSONText.quoted(key).utf8)
                var documents: [[UInt8]] = []
                // The reply holds the oldest documents that fit in the maximum message size
                // together and ends before the first that does not (read no further): a key
                // with thousands of stored documents cannot make a reply of gigabytes.
                var budget = configuration.maxMessageSize
                // A ledger that cannot be read leaves the states out, not the documents.
                let ledger = try? DeliveryLedger(readingOnly: DataDirectory(root: configuration.dataDirectory).deliveryLedgerPath)
                for location in try store.locations(key: key) {
                    // With room for the `"state"` member a notification may gain.
                    guard location.length + Int64(Self.deliveryStateBytes) <= Int64(budget) else { break }
                    guard var document = try store.readLines(location) else { continue }
                    document.removeLast()
                    if document.contains(UInt8(ascii: "\n")) { continue }
                    // Stored documents begin with the common fields, `batchId` among them.
                    if batchId != nil || ownBatches != nil {
                        let stored = Self.batchId(of: document)
                        if let batchId, stored != batchId { continue }
                        if let ownBatches, stored.map(ownBatches.contains) != true { continue }
                    }
                    if document.firstRange(of: householdCode) != nil, document.firstRange(of: ownCode) == nil { continue }
                    try showDeliveryState(of: location, in: &document, ledger: ledger)
                    budget -= document.count
                    documents.append(document)
                }
                auditResultsLookedUp(key: key, batchId: batchId, requestedBy: requestedBy, by: client)
                flushAudit()
                replyWith(.documents(documents))
            default:
                return
            }
        } catch let error as WireError {
            // Only a reply that could not be encoded throws one here.
            logger.error("cannot encode a batch reply", metadata: ["error": "\(error)"])
            refuse(envelope, error, requestId: requestId)
        } catch {
            refuse(envelope, WireError(.storage, "\(error)"), requestId: requestId)
        }
    }

    /// A notification's document as RESULTS shows it: with its delivery state
    /// (`NotificationState`) as a last member `"state"`. The stored line stays as it was
    /// written; the state lives in the outbox and the delivery ledger, which the dispatcher
    /// only reads here, and only on a lookup.
    private func showDeliveryState(of location: ResultLocation, in document: inout [UInt8], ledger: DeliveryLedger?) throws {
        guard document.count > 2, document.last == UInt8(ascii: "}"),
            let entry = try journal.outboxEntry(batchId: Self.batchId(of: document), file: location.file, offset: location.offset)
        else { return }
        let recipients = (try? ledger?.deliveries(outboxIds: [entry.id])[entry.id]) ?? []
        let state = NotificationState(entry: entry, deliveries: recipients)
        document.removeLast()
        document += Array(#","state":"\#(state.rawValue)"}"#.utf8)
    }

    /// The most `showDeliveryState` adds: `,"state":"suppressed"`.
    static var deliveryStateBytes: Int { 22 }

    /// The `batchId` a stored document names among its leading common fields (the batch ids
    /// the dispatcher makes need no JSON escapes); nil when it names none.
    private static func batchId(of document: [UInt8]) -> String? {
        let head = document.prefix(200)
        guard let found = head.firstRange(of: Array(#","batchId":""#.utf8)) else { return nil }
        return String(decoding: head[found.upperBound...].prefix { $0 != UInt8(ascii: "\"") }, as: UTF8.self)
    }

    /// Answers the BATCH-STATUS long-polls whose deadline has passed with the batch's status
    /// as it is: progress for a client following a batch that is still running.
    func answerDueBatchFollowers() {
        answer(batchFollowers.due(at: clock.now))
    }

    /// A client's connection ended: its long-polls go, nothing would read their answers.
    func batchFollowersLeft(_ routingId: [UInt8]) {
        let dropped = batchFollowers.removeAll(from: routingId)
        if dropped > 0 { logger.info("client gone", metadata: ["batchStatusWaits": "\(dropped)"]) }
    }

    private func answer(_ followers: [BatchFollowers.Follower]) {
        for follower in followers {
            let body: ClientReply
            do {
                body = .batchInfo(try batchStatus(follower.batchId))
            } catch {
                body = .error(code: WireError.Code.storage.rawValue, message: "\(error)")
            }
            _ = send(follower.envelope.wrap(ClientMessage(requestId: follower.requestId, body: body).encode()), to: clientSocket)
        }
    }

    private func batchStatus(_ id: String) throws -> [UInt8] {
        guard let entry = batches[id] else { throw StoreError("batch \(id) vanished") }
        return try BatchStatus(entry, dataDirectory: configuration.dataDirectory.path).encoded()
    }

    /// Refuses a submission that names a batch this dispatcher does not hold, that is
    /// complete or sealed (its chunk counts are final), or whose counters could overflow
    /// the batch's or are too many; otherwise admits its counters into the turn's bounds.
    func batchRefusal(for jobs: [JobSpec], turn: inout Turn) -> WireError? {
        var admissions: [(counters: [Counter], batchId: String, current: [String: Int64])] = []
        for job in jobs {
            guard let batchId = job.batchId else { continue }
            guard let entry = batches[batchId] else { return WireError(.unknownBatch, "no batch \(batchId)") }
            if entry.isComplete { return WireError(.unknownBatch, "batch \(batchId) is complete") }
            if entry.isSealed { return WireError(.batchSealed, "batch \(batchId) is sealed and takes no more jobs") }
            admissions.append((job.counters, batchId, entry.counters))
        }
        if let refusal = turn.counterBounds.admit(admissions) { return refusal }
        turn.submittedBatches.formUnion(jobs.compactMap(\.batchId))
        return nil
    }

    /// Completes every listed batch that is sealed with nothing of it queued: writes its
    /// summary document, then records the completion. Either step failing leaves the
    /// batch as it was, and the next turn (or the next start) tries again.
    ///
    /// The audit trail gets the `batch.completed` lines before anyone can learn of the
    /// completions (the long-polls waiting for them are answered after, and at start no
    /// turn has read a request yet), so `chungtay audit` run as soon as `batch submit
    /// --wait` returns finds its line.
    func completeBatchesIfDone(_ ids: some Sequence<String>) {
        var completed = false
        var followers: [BatchFollowers.Follower] = []
        defer {
            if completed {
                flushAudit()
                answer(followers)
            }
        }
        for id in ids {
            guard let entry = batches[id], entry.isReadyToComplete else { continue }
            let now = clock.date
            var finished = entry
            finished.record.completedAt = now
            let status = BatchStatus(finished, dataDirectory: configuration.dataDirectory.path)
            let document: [UInt8]
            do {
                document = try BatchSummaryDocument(status: status, processedAt: Timestamp.rfc3339(now)).encoded()
            } catch {
                // Not a storage failure: nothing to retry until the next start tries again.
                logger.error("cannot encode the batch summary; the batch stays incomplete", metadata: ["batch": "\(id)", "error": "\(error)"])
                continue
            }
            do {
                let location = try store.append(kind: TaskKind.batchSummary.rawValue, documents: [document])
                let ends = try store.sync()
                try journal.completeBatch(id, summary: location, segmentEnds: ends, now: now)
                store.markCommitted(ends)
                finished.record.summary = location
                batches.insert(finished)
                completed = true
                followers += batchFollowers.complete(id)
                payloadCollectionDue = true
                auditBatchCompleted(id, jobs: status.jobs)
                logger.info("batch complete", metadata: [
                    "batch": "\(id)", "households": "\(status.households)", "loans": "\(status.loans)",
                    "notifications": "\(status.notifications)", "deadJobs": "\(status.jobs.dead)",
                ])
            } catch {
                logger.error("cannot complete batch; will try again", metadata: ["batch": "\(id)", "error": "\(error)"])
                rollBackStores()
                storageFailed(tasks: [], error: "\(error)")
                pendingBatchCompletions.insert(id)
            }
        }
    }
}
