import ChungTayAccess
import ChungTayStore
import ChungTayWire
import Foundation
import ZeroMQ

/// The worker endpoint: native CTWP01 workers and MDP/0.1 (MDPW01) workers.
extension Dispatcher {
    /// Reads what the worker socket has; true when it stopped at the per-turn cap with more waiting.
    func readWorkers(into turn: inout Turn) -> Bool {
        for _ in 0..<Self.readsPerTurn {
            let message: ReceivedMessage
            do {
                guard let received = try workerSocket.receive(limits: messageLimits, dontWait: true, userId: access != nil) else { return false }
                message = userIds == nil ? received : vouched(received)
            } catch {
                logger.error("worker socket receive failed", metadata: ["error": "\(error)"])
                return false
            }
            if let peer = message.frames.first { workerPeers.noteMessage(from: peer, connection: message.connection, key: message.userId) }
            if logBus?.skipsLog(message.frames) == true { continue }
            if access != nil, !admitsWorker(message, turn: &turn) { continue }
            handleWorker(message, turn: &turn)
        }
        return true
    }

    private func handleWorker(_ message: ReceivedMessage, turn: inout Turn) {
        guard let (envelope, body) = try? Envelope.split(message.frames) else { return }
        switch body.first {
        case WorkerProtocol.header:
            do throws(WireError) {
                if let oversize = message.oversize { throw refusal(oversize) }
                try handleNative(try WorkerMessage.decode(body.dropFirst()), from: envelope, turn: &turn)
            } catch {
                rejectNative(envelope, error)
                // A refused message from a registered worker may have carried results or
                // failures; which leases they ended cannot be known, so all of its leases go
                // back (as a failed attempt) and it must register again. Without this they
                // would stay leased for as long as the worker keeps heartbeating. A refused
                // LOG or HEARTBEAT ended no lease: the worker keeps them (and its registration),
                // and is alive (a newer worker whose stats this dispatcher cannot read works on).
                if Self.endsNoLease(body.dropFirst().first) {
                    workers.touch(envelope, at: clock.now)
                } else if workers[envelope] != nil {
                    workerLeft(envelope, countsAsAttempt: true, turn: &turn)
                    sendToWorker(envelope, WorkerMessage.disconnect(reason: error.code.rawValue).encode())
                }
            }
        case Majordomo.workerHeader:
            do {
                if let oversize = message.oversize { throw refusal(oversize) }
                handleMajordomo(try Majordomo.WorkerMessage.decode(body), from: envelope, turn: &turn)
            } catch {
                disconnectMajordomo(envelope, reason: "\(error)", turn: &turn)
            }
        default:
            rejectNative(envelope, WireError(.unsupportedProtocol, "expected a CTWP01 or MDPW01 header frame"))
        }
    }

    /// With CURVE, whether the message's key is a worker's now: every message is checked, so
    /// a key revoked by a reload stops counting at once. Otherwise the worker is dropped as
    /// lost (its leases go back without counting an attempt: the tasks did nothing wrong)
    /// and told `forbidden`; READY from such a key registers nothing. A READY announcing a
    /// kind the key's `kinds:` line does not list is refused the same way.
    private func admitsWorker(_ message: ReceivedMessage, turn: inout Turn) -> Bool {
        guard let (envelope, body) = try? Envelope.split(message.frames) else { return false }
        let identity = identity(of: message, on: .worker)
        // Only a READY names kinds; the command frame tells it without decoding anything else.
        let isReady = body.count > 1 && body[body.startIndex + 1] == [WorkerProtocol.Command.ready.rawValue]
        var refusal: String?
        if let identity {
            if isReady, identity.kinds != nil, let other = Self.announcedKinds(body).first(where: { !identity.mayServe($0) }) {
                refusal = "\(identity.principal) may not serve kind '\(other)' (its key file lists the kinds it may serve)"
            }
        } else {
            refusal = "no admitted key: the worker endpoint needs a key in workers/ of the allow directory"
        }
        guard let refusal else { return true }
        logRefusal("refused a worker", command: nil, peer: identity, key: message.userId, reason: refusal)
        for hasDelimiter in [false, true] {
            workerLeft(Envelope(routingId: envelope.routingId, hasDelimiter: hasDelimiter), countsAsAttempt: false, turn: &turn)
        }
        if body.first == Majordomo.workerHeader {
            sendToWorker(envelope, Majordomo.WorkerMessage.disconnect.encode(), majordomo: true)
        } else {
            sendToWorker(envelope, WorkerMessage.error(code: WireError.Code.forbidden.rawValue, message: refusal).encode())
        }
        return false
    }

    /// The kinds a READY announces, in CTWP01 or MDPW01 (one service); none when it does not decode.
    private static func announcedKinds(_ body: ArraySlice<[UInt8]>) -> [String] {
        if body.first == WorkerProtocol.header, case .ready(_, let kinds, _)? = try? WorkerMessage.decode(body.dropFirst()) { return kinds }
        if body.first == Majordomo.workerHeader, case .ready(let service)? = try? Majordomo.WorkerMessage.decode(body) { return [service] }
        return []
    }

    /// Whether a message with this command frame can end no lease whatever its body: a
    /// LOG or a HEARTBEAT (its stats are figures only).
    private static func endsNoLease(_ commandFrame: [UInt8]?) -> Bool {
        guard let commandFrame, commandFrame.count == 1 else { return false }
        return commandFrame[0] == WorkerProtocol.Command.log.rawValue
            || commandFrame[0] == WorkerProtocol.Command.heartbeat.rawValue
    }

    private func rejectNative(_ envelope: Envelope, _ error: WireError) {
        logger.notice("refused a worker message", metadata: ["code": "\(error.code.rawValue)", "reason": "\(error.message)"])
        sendToWorker(envelope, WorkerMessage.error(code: error.code.rawValue, message: error.message).encode())
    }

    private func handleNative(_ message: WorkerMessage, from envelope: Envelope, turn: inout Turn) throws(WireError) {
        let now = clock.now
        if case .ready(let name, let kinds, let credit) = message {
            // A READY on a connection already registered answers one of several DISCONNECTs sent
            // while it was unknown (one per message it had queued, e.g. across a dispatcher
            // restart). The worker handled all of them before any task of this registration
            // reached it, so it will run the tasks it now holds: re-register, keep the leases.
            if let refusal = announcedKinds.refusal(kinds) { throw refusal }
            if let existing = workers[envelope], existing.wireProtocol != .native {
                workerLeft(envelope, countsAsAttempt: true, turn: &turn)
            }
            register(WorkerRecord(envelope: envelope, name: name, kinds: kinds, credit: min(Int(credit), Self.maxCredit),
                                  wireProtocol: .native, lastSeen: now), turn: &turn)
            return
        }
        guard let worker = workers[envelope], worker.wireProtocol == .native else {
            // Not registered, e.g. after a dispatcher restart: DISCONNECT makes it send READY again.
            if case .disconnect = message { return }
            sendToWorker(envelope, WorkerMessage.disconnect(reason: WireError.Code.notReady.rawValue).encode())
            return
        }
        workers.touch(envelope, at: now)
        switch message {
        case .results(let results):
            for result in results {
                guard let lease = leases.release(result.taskId, heldBy: envelope) else { continue }
                // Only an MDP client needs the documents back; holding them for everyone would
                // keep a whole turn of results in memory after they are written.
                let reply = majordomoClients.isAwaited(result.taskId) ? result.documents : []
                bufferResult(result.lines, isList: result.isList, for: lease, reply: reply, extras: result,
                             worker: worker.name, turn: &turn)
            }
        case .failures(let failures):
            for failure in failures {
                guard let lease = leases.release(failure.taskId, heldBy: envelope) else { continue }
                let delay = failure.retryable ? retryPolicy.delay(afterAttempt: lease.attempt) : nil
                // A line per task only at debug; a task out of attempts is a dead letter, logged at warning.
                logger.debug("task failed", metadata: [
                    "task": "\(lease.task.id)", "kind": "\(lease.task.kind)", "attempt": "\(lease.attempt)",
                    "code": "\(failure.code)", "retryable": "\(failure.retryable)", "worker": "\(worker.name)",
                ])
                record(Turn.Failure(lease: lease, retryDelay: delay, code: failure.code, message: failure.message, worker: worker.name),
                       turn: &turn)
            }
        case .heartbeat(let stats):
            if let stats { figures.received(stats, from: worker, at: now) }
        case .log(let records):
            receivedLog(records, from: worker.name)
        case .disconnect:
            workerLeft(envelope, countsAsAttempt: false, turn: &turn)
        case .ready, .tasks, .error:
            rejectNative(envelope, WireError(.unknownCommand, "workers do not send this command"))
        }
    }

    private func handleMajordomo(_ message: Majordomo.WorkerMessage, from envelope: Envelope, turn: inout Turn) {
        let now = clock.now
        if case .ready(let service) = message {
            guard workers[envelope] == nil else { disconnectMajordomo(envelope, reason: "READY from a worker already registered", turn: &turn); return }
            guard JobSpec.isValidKind(service), !service.hasPrefix(Majordomo.mmiPrefix) else {
                disconnectMajordomo(envelope, reason: "service name '\(service)' is not a valid kind", turn: &turn)
                return
            }
            if let refusal = announcedKinds.refusal([service]) {
                disconnectMajordomo(envelope, reason: refusal.message, turn: &turn)
                return
            }
            register(WorkerRecord(envelope: envelope, name: "mdp-" + Self.hex(envelope.routingId), kinds: [service], credit: 1,
                                  wireProtocol: .majordomo, lastSeen: now), turn: &turn)
            return
        }
        guard let worker = workers[envelope], worker.wireProtocol == .majordomo else {
            if case .disconnect = message { return }
            disconnectMajordomo(envelope, reason: "message before READY", turn: &turn)
            return
        }
        workers.touch(envelope, at: now)
        switch message {
        case .reply(let address, let body):
            let taskId = address.count == 8 ? try? IdList.decode(address).first : nil
            // A reply after the task's deadline is late, not a protocol violation: it frees the slot and is dropped.
            if let taskId, leases.isOverdue(taskId, heldBy: envelope) {
                _ = leases.release(taskId, heldBy: envelope)
                return
            }
            guard let taskId, let lease = leases.release(taskId, heldBy: envelope) else {
                disconnectMajordomo(envelope, reason: "REPLY for a request it does not hold", turn: &turn)
                return
            }
            let payload = body.count == 1 ? body[0] : Array(body.joined())
            let document = ResultDocument.make(
                .init(taskId: taskId, kind: lease.task.kind, batchId: nil, processedAt: Timestamp.rfc3339(clock.date), worker: worker.name),
                body: ResultDocument.opaqueBody(payload))
            bufferResult(DocumentLines([document]), isList: false, for: lease, reply: body, worker: worker.name, turn: &turn)
        case .heartbeat:
            break
        case .disconnect:
            workerLeft(envelope, countsAsAttempt: false, turn: &turn)
        case .ready, .request:
            disconnectMajordomo(envelope, reason: "workers do not send this command", turn: &turn)
        }
    }

    /// The most tasks one worker may hold, whatever it announces, so one READY cannot pull a
    /// whole queue into memory.
    static var maxCredit: Int { 4096 }

    /// 7/MDP: a worker that breaks the protocol gets DISCONNECT and is forgotten.
    private func disconnectMajordomo(_ envelope: Envelope, reason: String, turn: inout Turn) {
        logger.notice("MDP worker disconnected for a protocol violation", metadata: ["reason": "\(reason)"])
        sendToWorker(envelope, Majordomo.WorkerMessage.disconnect.encode(), majordomo: true)
        if workers[envelope] != nil { workerLeft(envelope, countsAsAttempt: true, turn: &turn) }
    }

    private func register(_ announced: WorkerRecord, turn: inout Turn) {
        var worker = announced
        if access != nil, let key = workerPeers.key(of: worker.envelope.routingId) {
            worker.principal = allowList.identity(ofKey: key)?.principal
        }
        workers.register(worker)
        figures.registered(worker, at: clock.now)
        announcedKinds.accept(worker.kinds)
        acceptedKinds.formUnion(worker.kinds)
        logger.info("worker ready", metadata: [
            "worker": "\(worker.name)", "kinds": "\(worker.kinds.joined(separator: ","))", "credit": "\(worker.credit)",
            "protocol": "\(worker.wireProtocol == .native ? "native" : "mdp")",
        ])
    }

    /// `extras` (a native worker's keys, follow-ups and counters) apply to batch jobs only:
    /// outside a batch there is nothing to count and no pipeline to continue. Its outbox
    /// keys apply to every `notify.emit` job: a notification stored outside a batch is
    /// delivered too.
    private func bufferResult(
        _ lines: DocumentLines, isList: Bool, for lease: Lease, reply: [[UInt8]], extras: TaskResult? = nil,
        worker: String, turn: inout Turn
    ) {
        var counters: [Counter] = []
        var followUps: [JobSpec] = []
        var refusal = outboxRefusal(lines, extras?.outbox ?? [], kind: lease.task.kind)
        if refusal == nil, let batchId = lease.task.batchId {
            counters = (extras?.counters ?? []) + [Counter(name: "documents/" + lease.task.kind, value: Int64(lines.count))]
            followUps = extras?.followUps ?? []
            refusal = completionRefusal(counters: counters, followUps: followUps, batchId: batchId, turn: &turn)
        }
        if let refusal {
            logger.notice("result refused; the attempt counts as failed", metadata: [
                "task": "\(lease.task.id)", "code": "\(refusal.code.rawValue)", "reason": "\(refusal.message)", "worker": "\(worker)",
            ])
            record(Turn.Failure(lease: lease, retryDelay: retryPolicy.delay(afterAttempt: lease.attempt),
                                code: refusal.code.rawValue, message: refusal.message, worker: worker), turn: &turn)
            return
        }
        do {
            let keys = lease.task.batchId == nil ? [] : extras?.keys ?? []
            let location = try store.append(kind: lease.task.kind, lines: lines, keys: keys)
            var completion = JournalCommit.Completion(
                jobId: lease.task.id, attempts: lease.attempt, location: location, isList: isList, batchId: lease.task.batchId,
                followUps: followUps, counters: counters, worker: worker)
            if lease.task.kind == TaskKind.notifyEmit.rawValue {
                completion.outbox = Self.outboxDocuments(extras?.outbox ?? [], of: lines, at: location)
            }
            turn.commit.completions.append(completion)
            turn.completions.append(.init(lease: lease, reply: reply))
        } catch {
            logger.error("cannot buffer a result; the task will run again", metadata: ["task": "\(lease.task.id)", "error": "\(error)"])
            turn.unstored.append(lease)
        }
    }

    /// Why a result cannot complete its task for the outbox's sake: a `notify.emit` result
    /// with documents and no outbox keys (an MDP worker, or a native worker older than the
    /// outbox frame) would store notifications that are never delivered nor de-duplicated,
    /// so its attempt fails and an up-to-date worker runs the task. Outbox keys on a result of
    /// any other kind are not taken: only `notify.emit` makes notifications, and a worker
    /// admitted for other kinds must not be able to send SMS or suppress real notifications.
    private func outboxRefusal(_ lines: DocumentLines, _ keys: [OutboxKey], kind: String) -> WireError? {
        guard kind == TaskKind.notifyEmit.rawValue, !lines.isEmpty, keys.isEmpty else { return nil }
        return WireError(.malformed, "a notify.emit result carries no outbox keys (CTWP01 RESULT bit 3): its notifications could not be delivered")
    }

    /// The notifications among a result's documents (the decoder checked there is a key per
    /// document), each with its own line's location (the line feed left out): the outbox
    /// delivers documents one by one.
    static func outboxDocuments(_ keys: [OutboxKey], of lines: DocumentLines, at location: ResultLocation) -> [JournalCommit.OutboxDocument] {
        var documents: [JournalCommit.OutboxDocument] = []
        for (index, key) in keys.enumerated() where !key.dedupKey.isEmpty {
            let line = ResultLocation(
                file: location.file, offset: location.offset + Int64(lines.start(ofLine: index)),
                length: Int64(lines.length(ofLine: index) - 1))
            documents.append(.init(key: key, location: line))
        }
        return documents
    }

    /// Why a batch task's result cannot complete it: a follow-up of a kind that is not
    /// accepted (it would sit queued for ever and the batch would never complete), or
    /// counters that could overflow the batch's or are too many. The result then counts as a failed
    /// attempt, retried or dead-lettered as usual, so the batch can still complete.
    private func completionRefusal(counters: [Counter], followUps: [JobSpec], batchId: String, turn: inout Turn) -> WireError? {
        if let unknown = followUps.first(where: { !acceptedKinds.contains($0.kind) }) {
            return WireError(.unknownKind, "follow-up kind '\(unknown.kind)' is not accepted")
        }
        return turn.counterBounds.admit(counters, into: batchId, current: batches[batchId]?.counters ?? [:])
    }

    private func record(_ failure: Turn.Failure, turn: inout Turn) {
        turn.commit.failures.append(.init(
            jobId: failure.lease.task.id, attempts: failure.lease.attempt, dead: failure.retryDelay == nil,
            notBefore: failure.retryDelay.map { turn.commit.now.addingTimeInterval($0) },
            code: failure.code, message: failure.message))
        turn.failures.append(failure)
    }

    /// A worker left (DISCONNECT), died (silent) or broke the protocol: its tasks go back
    /// to the queue. A death counts as an attempt, so a task that kills every worker it
    /// touches ends as a dead letter instead of killing workers forever.
    func workerLeft(_ envelope: Envelope, countsAsAttempt: Bool, turn: inout Turn) {
        guard let worker = workers[envelope] else { return }
        figures.left(worker, died: countsAsAttempt, report: workerReport(worker, at: clock.now))
        workers.remove(envelope)
        let released = leases.releaseAll(heldBy: envelope)
        logger.log(level: countsAsAttempt ? .warning : .info, "worker gone", metadata: [
            "worker": "\(worker.name)", "requeued": "\(released.count)", "died": "\(countsAsAttempt)",
        ])
        for lease in released {
            guard countsAsAttempt else {
                queues.push(lease.task)
                continue
            }
            let dead = retryPolicy.delay(afterAttempt: lease.attempt) == nil
            record(Turn.Failure(lease: lease, retryDelay: dead ? nil : 0, code: WireError.Code.workerLost.rawValue,
                                message: "worker \(worker.name) died holding the task", worker: worker.name), turn: &turn)
        }
    }

    /// A worker's connection ended without DISCONNECT (it crashed or was killed): its tasks
    /// go back at once, counting an attempt, as for a worker that fell silent.
    func workerDisconnected(_ routingId: [UInt8], turn: inout Turn) {
        for hasDelimiter in [false, true] {
            workerLeft(Envelope(routingId: routingId, hasDelimiter: hasDelimiter), countsAsAttempt: true, turn: &turn)
        }
    }

    /// Leases older than the task timeout end as failed attempts (`task_timeout`): the task
    /// runs again elsewhere, and a late answer from the worker that held it is ignored.
    /// Checked about once a second; the timeout is minutes.
    func expireOverdueLeases(into turn: inout Turn) {
        let now = clock.now
        guard now >= nextLeaseExpiry else { return }
        nextLeaseExpiry = now + min(1, configuration.taskTimeout.seconds / 4)
        for lease in leases.expire(grantedBefore: now - configuration.taskTimeout.seconds) {
            kindCounts[lease.task.kind, default: KindCounts()].outcomes.timedOut += 1
            let worker = workers[lease.worker]?.name ?? Self.hex(lease.worker.routingId)
            logger.warning("task timed out", metadata: [
                "task": "\(lease.task.id)", "kind": "\(lease.task.kind)", "attempt": "\(lease.attempt)", "worker": "\(worker)",
            ])
            record(Turn.Failure(lease: lease, retryDelay: retryPolicy.delay(afterAttempt: lease.attempt),
                                code: WireError.Code.taskTimeout.rawValue,
                                message: "no answer within the task timeout of \(configuration.taskTimeout.seconds) s", worker: worker),
                   turn: &turn)
        }
    }

    func expireSilentWorkers(into turn: inout Turn) {
        let limit = configuration.heartbeatInterval.seconds * Double(configuration.heartbeatLiveness)
        for envelope in workers.silent(since: clock.now - limit) {
            workerLeft(envelope, countsAsAttempt: true, turn: &turn)
        }
    }

    func releaseDueRetries() {
        for task in delayed.popDue(now: clock.now) { queues.push(task) }
    }

    /// Hands queued tasks to workers with free credit, in batches of one message per worker.
    func dispatchQueuedTasks() {
        // Leases do not keep payloads (they would hold a second copy of every task in flight).
        var outgoing: [Envelope: [(lease: Lease, payload: [UInt8]?)]] = [:]
        let now = clock.now
        // Start with a different kind each turn so one kind's backlog cannot starve the others.
        let kinds = queues.kinds.sorted()
        dispatchRound &+= 1
        let rotated = kinds.isEmpty ? [] : Array(kinds[(dispatchRound % kinds.count)...] + kinds[..<(dispatchRound % kinds.count)])
        for kind in rotated where queues.count(of: kind) > 0 {
            // Tasks are dealt one at a time round the workers with room, so a short queue (a
            // small batch's two or three chunks) is spread over the workers instead of filling
            // the first one's credit while the others idle; under a backlog every worker still
            // fills up as before.
            var room = workers.rotation(for: kind).compactMap { envelope in
                workers[envelope].map { (envelope: envelope, principal: $0.principal, free: $0.credit - leases.count(for: envelope), bytes: leases.bytes(for: envelope)) }
            }
            var turn = 0
            while !room.isEmpty, let next = queues.first(of: kind) {
                turn %= room.count
                let fits = room[turn].bytes == 0 || room[turn].bytes + next.payloadSize <= configuration.workerWindowBytes
                guard room[turn].free > 0, fits, var task = queues.pop(kind: kind) else {
                    room.remove(at: turn)
                    continue
                }
                room[turn].bytes += task.payloadSize
                room[turn].free -= 1
                let payload = task.payload
                task.payload = nil
                let envelope = room[turn].envelope
                outgoing[envelope, default: []].append((leases.grant(task, to: envelope, principal: room[turn].principal, at: now), payload))
                turn += 1
            }
        }
        guard !outgoing.isEmpty else { return }
        let missing = outgoing.values.flatMap { $0 }.filter { $0.payload == nil }.map(\.lease.task.id)
        var loaded: [UInt64: [UInt8]] = [:]
        do {
            for (id, stored) in try journal.payloads(for: missing) {
                switch stored {
                case .inline(let payload): loaded[id] = payload
                case .segment(let location): loaded[id] = try payloadStore.read(location)
                }
            }
        } catch {
            logger.error("cannot read payloads; tasks stay queued", metadata: ["error": "\(error)"])
            for (envelope, list) in outgoing { unlease(list[...], from: envelope) }
            return
        }
        for (envelope, list) in outgoing {
            guard let worker = workers[envelope] else { continue }
            let assignments = list.map { lease, payload in
                TaskAssignment(taskId: lease.task.id, kind: lease.task.kind, attempt: UInt16(clamping: lease.attempt),
                               payload: payload ?? loaded[lease.task.id] ?? [], batchId: lease.task.batchId)
            }
            // A message the worker's queue cannot take (high-water mark) or that cannot reach
            // it puts its tasks and all after them back in the queue, unleased.
            switch worker.wireProtocol {
            case .native:
                // Split so no TASKS message exceeds the size this dispatcher itself accepts.
                var start = 0
                var bytes = 0
                for index in assignments.indices {
                    let isLast = index == assignments.count - 1
                    bytes += assignments[index].payload.count
                    let nextBytes = isLast ? 0 : assignments[index + 1].payload.count
                    guard isLast || bytes + nextBytes > configuration.maxMessageSize else { continue }
                    guard sendToWorker(envelope, WorkerMessage.tasks(Array(assignments[start...index])).encode()) else {
                        unlease(list[start...], from: envelope)
                        break
                    }
                    start = index + 1
                    bytes = 0
                }
            case .majordomo:
                for (index, assignment) in assignments.enumerated() {
                    let request = Majordomo.WorkerMessage.request(clientAddress: IdList.encode([assignment.taskId]), body: [assignment.payload])
                    guard sendToWorker(envelope, request.encode(), majordomo: true) else {
                        unlease(list[index...], from: envelope)
                        break
                    }
                }
            }
        }
    }

    /// Takes back leases whose tasks never reached the worker: queued again, no attempt counted.
    private func unlease(_ list: ArraySlice<(lease: Lease, payload: [UInt8]?)>, from envelope: Envelope) {
        for (lease, payload) in list {
            _ = leases.release(lease.task.id, heldBy: envelope)
            var task = lease.task
            task.payload = payload
            queues.push(task)
        }
    }

    func sendHeartbeats() {
        let now = clock.now
        guard now >= nextHeartbeat else { return }
        nextHeartbeat = now + configuration.heartbeatInterval.seconds
        for worker in workers.workers.values {
            switch worker.wireProtocol {
            case .native: sendToWorker(worker.envelope, WorkerMessage.heartbeat(nil).encode())
            case .majordomo: sendToWorker(worker.envelope, Majordomo.WorkerMessage.heartbeat.encode(), majordomo: true)
            }
        }
    }

    /// MDP workers expect the empty delimiter frame (they are DEALERs speaking as REQ would).
    /// A failed send means the peer is gone (ROUTER_MANDATORY) or its queue is full (the
    /// high-water mark); its disconnect or silence will remove a gone one.
    @discardableResult
    func sendToWorker(_ envelope: Envelope, _ frames: [[UInt8]], majordomo: Bool = false) -> Bool {
        let target = majordomo ? Envelope(routingId: envelope.routingId, hasDelimiter: true) : envelope
        guard send(target.wrap(frames), to: workerSocket) else {
            logger.debug("worker unreachable", metadata: ["worker": "\(workers[envelope]?.name ?? Self.hex(envelope.routingId))"])
            return false
        }
        return true
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
