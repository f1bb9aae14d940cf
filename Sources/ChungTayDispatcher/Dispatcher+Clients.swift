import ChungTayAccess
import ChungTayStore
import ChungTayWire
import ZeroMQ

/// The client endpoint: native CTCP01 clients and MDP/0.1 (MDPC01) clients.
extension Dispatcher {
    /// Reads what the client socket has, up to the per-turn cap and time; the rest waits for the next turn.
    func readClients(into turn: inout Turn) {
        let deadline = clock.now + Self.clientTimePerTurn
        for _ in 0..<Self.readsPerTurn {
            // Requests that read the disk (RESULTS scans the keys sidecars, RETRY writes the
            // journal) are answered for a bounded time per turn; the rest wait in the socket
            // for the next turn, so heartbeats and results are never held up for long.
            if clock.now >= deadline { return }
            let message: ReceivedMessage
            do {
                guard let received = try clientSocket.receive(limits: messageLimits, dontWait: true, peerAddress: true, userId: access != nil)
                else { return }
                message = userIds == nil ? received : vouched(received)
            } catch {
                logger.error("client socket receive failed", metadata: ["error": "\(error)"])
                return
            }
            if let peer = message.frames.first { clientPeers.noteMessage(from: peer, connection: message.connection, key: message.userId) }
            handleClient(message, turn: &turn)
        }
    }

    private func handleClient(_ message: ReceivedMessage, turn: inout Turn) {
        let envelope: Envelope
        let body: ArraySlice<[UInt8]>
        do {
            (envelope, body) = try Envelope.split(message.frames)
        } catch {
            return
        }
        var peer: PeerIdentity?
        if access != nil {
            peer = identity(of: message, on: .client)
            guard peer != nil else {
                let text = "no admitted key: the client endpoint needs a key in clients/ or operators/ of the allow directory"
                if body.first == Majordomo.clientHeader {
                    _ = send(envelope.wrap(Majordomo.clientReply(service: "", body: [Self.majordomoErrorBody(code: "forbidden", message: text)])),
                             to: clientSocket)
                } else {
                    forbid(envelope, requestId: Self.requestId(in: body), command: "connect", peer: nil, key: message.userId, text)
                }
                return
            }
        }
        // Only the leading frames of an oversized message were kept: enough for the request id.
        if let oversize = message.oversize {
            refuse(envelope, refusal(oversize), requestId: Self.requestId(in: body))
            return
        }
        switch body.first {
        case ClientProtocol.header:
            do {
                let request = try ClientMessage<ClientRequest>.decode(body.dropFirst())
                var client = ClientIdentity(envelope, address: message.peerAddress, protocol: .native, peer: peer)
                // Without CURVE nothing is checked, so a principal changes nothing either.
                if let principal = request.principal, let serverKey = configuration.curve?.keyPair.publicKey {
                    guard peer?.publicKey == serverKey, client.actFor(principal) else {
                        forbid(envelope, requestId: request.requestId, command: "ON-BEHALF", peer: peer, key: nil,
                               "only the dispatcher's own key (its HTTP API) may make requests on behalf of another principal")
                        return
                    }
                }
                handle(request, from: envelope, client: client, turn: &turn)
            } catch {
                refuse(envelope, error, requestId: Self.requestId(in: body))
            }
        case Majordomo.clientHeader:
            do {
                handleMajordomo(try Majordomo.ClientRequest.decode(body), from: envelope,
                                client: ClientIdentity(envelope, address: message.peerAddress, protocol: .majordomo, peer: peer), turn: &turn)
            } catch {
                refuse(envelope, error)
            }
        default:
            refuse(envelope, WireError(.unsupportedProtocol, "expected a CTCP01 or MDPC01 header frame"))
        }
    }

    /// The request id of a message that failed to decode, when it got that far, so the client can match the error.
    static func requestId(in body: ArraySlice<[UInt8]>) -> UInt64 {
        guard body.count >= 3, let ids = try? IdList.decode(body[body.startIndex + 2]), ids.count == 1 else { return 0 }
        return ids[0]
    }

    func refuse(_ envelope: Envelope, _ error: WireError, requestId: UInt64 = 0) {
        logger.notice("refused a client message", metadata: ["code": "\(error.code.rawValue)", "reason": "\(error.message)"])
        _ = send(envelope.wrap(ClientProtocol.errorReply(error, requestId: requestId)), to: clientSocket)
    }

    /// A client's connection ended: nothing will read what it waited for, so its waits and
    /// MDP reply slots go (the jobs themselves run on; they are durable).
    func clientLeft(_ routingId: [UInt8]) {
        let waitsDropped = waits.removeAll(from: routingId)
        let repliesDropped = majordomoClients.removeAll(from: routingId)
        if waitsDropped > 0 || repliesDropped > 0 {
            logger.info("client gone", metadata: ["waits": "\(waitsDropped)", "mdpRequests": "\(repliesDropped)"])
        }
    }

    private func reply(_ envelope: Envelope, _ requestId: UInt64, _ body: ClientReply) {
        _ = send(envelope.wrap(ClientMessage(requestId: requestId, body: body).encode()), to: clientSocket)
    }

    private func handle(_ request: ClientMessage<ClientRequest>, from envelope: Envelope, client: ClientIdentity, turn: inout Turn) {
        let requestId = request.requestId
        switch request.body {
        case .submit(let jobs):
            if draining {
                refuse(envelope, WireError(.shuttingDown, "the dispatcher is shutting down; submit again later"), requestId: requestId)
                return
            }
            if let unknown = jobs.first(where: { !acceptedKinds.contains($0.kind) }) {
                refuse(envelope, WireError(.unknownKind, "kind '\(unknown.kind)' is not accepted: it is not built in and no worker has announced it"), requestId: requestId)
                return
            }
            if storageBackoff.isPaused(at: clock.now) {
                refuse(envelope, WireError(.storage, "storage is failing (e.g. the disk is full); nothing was stored; submit again later"), requestId: requestId)
                return
            }
            // Authorization before `batchRefusal`, which admits the jobs' counters into the
            // turn: a refused client must leave no trace in the turn (another's batch counters
            // pushed to the edge would refuse its owner's SUBMITs and its workers' RESULTs),
            // nor learn anything about another's batch from a refusal other than `forbidden`.
            if let refusal = submitRefusal(jobs, client: client) {
                forbid(envelope, requestId: requestId, command: "SUBMIT", peer: client.peer, key: nil, refusal)
                return
            }
            if let refusal = batchRefusal(for: jobs, turn: &turn) {
                refuse(envelope, refusal, requestId: requestId)
                return
            }
            let start = turn.commit.submissions.count
            if let peer = client.peer {
                turn.commit.submissions.append(contentsOf: jobs.lazy.map { $0.scopingIdempotencyKey(to: peer.principal) })
            } else {
                turn.commit.submissions.append(contentsOf: jobs)
            }
            // One entry per job, nil included: the journal pairs submitters with submissions by position.
            turn.commit.submitters.append(contentsOf: repeatElement(client.peer?.principal, count: jobs.count))
            turn.submissions.append(.init(origin: .native(envelope, requestId: requestId), range: start..<(start + jobs.count), client: client))
        case .job(let id):
            do {
                guard let record = try journal.job(id) else {
                    refuse(envelope, WireError(.unknownJob, "no job \(id)"), requestId: requestId)
                    return
                }
                guard client.mayAct(asOwnerOf: owner(of: record)) else {
                    forbid(envelope, requestId: requestId, command: "JOB", peer: client.peer, key: nil,
                           "job \(id) is another client's: only its owner or an operator key may read it")
                    return
                }
                reply(envelope, requestId, .jobInfo(try jobDocuments([id], records: [id: record])[0]))
            } catch {
                refuse(envelope, WireError(.storage, "\(error)"), requestId: requestId)
            }
        case .wait(let listed):
            do {
                // Each job once, in the order first listed: repeats would only multiply the reply.
                var seen: Set<UInt64> = []
                let ids = listed.filter { seen.insert($0).inserted }
                let records = try journal.jobs(ids)
                if let missing = ids.first(where: { records[$0] == nil }) {
                    refuse(envelope, WireError(.unknownJob, "no job \(missing)"), requestId: requestId)
                    return
                }
                if let foreign = ids.first(where: { !client.mayAct(asOwnerOf: records[$0].flatMap(owner(of:))) }) {
                    forbid(envelope, requestId: requestId, command: "WAIT", peer: client.peer, key: nil,
                           "job \(foreign) is another client's: only its owner or an operator key may wait for it")
                    return
                }
                let pending = Set(ids.filter { records[$0]?.state.isFinal == false })
                let wait = WaitList.Wait(envelope: envelope, requestId: requestId, jobIds: ids, pending: pending)
                if pending.isEmpty {
                    answer(wait)
                } else if let refusal = waits.refusal(for: envelope) {
                    refuse(envelope, WireError(.tooManyWaits, refusal), requestId: requestId)
                } else {
                    waits.add(wait)
                }
            } catch {
                refuse(envelope, WireError(.storage, "\(error)"), requestId: requestId)
            }
        case .status, .deadLetters, .retryDeadLetters:
            guard client.isOperator else {
                forbid(envelope, requestId: requestId, command: request.body.commandName, peer: client.peer, key: nil,
                       "\(request.body.commandName) needs an operator key (operators/ in the allow directory)")
                return
            }
            operatorRequest(request.body, from: envelope, client: client, requestId: requestId)
        case .batchOpen, .batchSeal, .batchStatus, .batchList, .results:
            handleBatch(request.body, from: envelope, client: client, requestId: requestId, turn: turn)
        }
    }

    /// STATUS, DEAD-LETTERS and RETRY-DEAD-LETTERS, which only operators may send.
    private func operatorRequest(_ body: ClientRequest, from envelope: Envelope, client: ClientIdentity, requestId: UInt64) {
        switch body {
        case .status:
            do {
                reply(envelope, requestId, .statusReport(try statusReport().encoded()))
            } catch {
                logger.error("cannot encode the status report", metadata: ["error": "\(error)"])
                refuse(envelope, error, requestId: requestId)
            }
        case .deadLetters:
            do {
                // As many of the first 1000 as fit one message: each is read, then dropped if not.
                var list = Array("[".utf8)
                for record in try journal.deadLetters(limit: 1000) {
                    let document = try jobDocument(record)
                    guard list.count + document.count + 1 <= configuration.maxMessageSize else { break }
                    if list.count > 1 { list.append(UInt8(ascii: ",")) }
                    list += document
                }
                reply(envelope, requestId, .deadLetterList(list + Array("]".utf8)))
            } catch {
                refuse(envelope, WireError(.storage, "\(error)"), requestId: requestId)
            }
        case .retryDeadLetters(let ids):
            do {
                let jobs = try journal.requeueDeadLetters(ids, limit: ClientProtocol.retryLimit)
                for job in jobs {
                    queues.push(QueuedTask(job))
                    kindCounts[job.kind, default: KindCounts()].dead -= 1
                    if let batchId = job.batchId { requeued(inBatch: batchId) }
                }
                logger.info("dead letters requeued", metadata: ["jobs": "\(jobs.count)"])
                auditDeadLettersRetried(jobs.map(\.id), by: client)
                flushAudit()
                reply(envelope, requestId, .retried(count: UInt64(jobs.count)))
            } catch {
                refuse(envelope, WireError(.storage, "\(error)"), requestId: requestId)
            }
        default:
            return
        }
    }

    /// Why a client may not make this submission (with CURVE): a job into another
    /// principal's batch. Nil when it may. Idempotency keys need no check: with CURVE each
    /// principal has its own (``JobSpec/scopingIdempotencyKey(to:)``).
    private func submitRefusal(_ jobs: [JobSpec], client: ClientIdentity) -> String? {
        guard !client.isOperator else { return nil }
        for job in jobs {
            // A batch this dispatcher does not hold is `batchRefusal`'s to refuse (unknown_batch).
            if let batchId = job.batchId, let entry = batches[batchId], !client.mayAct(asOwnerOf: entry.record.submittedBy) {
                return "batch \(batchId) is another client's: only its owner or an operator key may submit into it"
            }
        }
        return nil
    }

    /// A dead letter of a batch went back to work: the batch is not complete any more.
    private func requeued(inBatch batchId: String) {
        batches.update(batchId) { entry in
            entry.jobs[.dead, default: 0] -= 1
            entry.jobs[.queued, default: 0] += 1
        }
        guard batches[batchId]?.isComplete == true else { return }
        do {
            try journal.reopenBatch(batchId)
            batches.update(batchId) { $0.record.completedAt = nil }
        } catch {
            logger.error("cannot reopen batch", metadata: ["batch": "\(batchId)", "error": "\(error)"])
        }
    }

    /// An MDP request is a job like any other; the client waits for its reply. `mmi.*`
    /// services are answered here (8/MMI): `mmi.service` says whether a worker serves a kind
    /// (or the dispatcher, for Titanic's); 9/TSP's `titanic.*` in ``handleTitanic``.
    private func handleMajordomo(_ request: Majordomo.ClientRequest, from envelope: Envelope, client: ClientIdentity, turn: inout Turn) {
        if Majordomo.Titanic.services.contains(request.service) {
            handleTitanic(request, from: envelope, client: client, turn: &turn)
            return
        }
        if request.service.hasPrefix(Majordomo.mmiPrefix) {
            let answer: String
            if request.service == "mmi.service" {
                let asked = request.body.first.map { String(decoding: $0, as: UTF8.self) } ?? ""
                answer = workers.serves(asked) || Majordomo.Titanic.services.contains(asked) ? "200" : "404"
            } else {
                answer = "501"
            }
            _ = send(envelope.wrap(Majordomo.clientReply(service: request.service, body: [Array(answer.utf8)])), to: clientSocket)
            return
        }
        let refusal: WireError? = if draining {
            WireError(.shuttingDown, "the dispatcher is shutting down")
        } else if !JobSpec.isValidKind(request.service) || !acceptedKinds.contains(request.service) {
            WireError(.unknownKind, "no worker serves '\(request.service)'")
        } else if request.body.count != 1 {
            WireError(.malformed, "a request to a ChungTay service carries exactly one body frame")
        } else if let refusal = majordomoClients.refusal(
            for: envelope.routingId, inTurn: (turn.majordomoRequests[envelope.routingId, default: 0], turn.majordomoRequestCount))
        {
            WireError(.tooManyWaits, refusal)
        } else {
            nil
        }
        if let refusal {
            logger.notice("refused an MDP request", metadata: ["code": "\(refusal.code.rawValue)", "service": "\(request.service)"])
            let body = Self.majordomoErrorBody(code: refusal.code.rawValue, message: refusal.message)
            _ = send(envelope.wrap(Majordomo.clientReply(service: request.service, body: [body])), to: clientSocket)
            return
        }
        let index = turn.commit.submissions.count
        turn.commit.submissions.append(JobSpec(kind: request.service, payload: request.body[0]))
        turn.commit.submitters.append(client.peer?.principal)
        turn.submissions.append(.init(origin: .majordomo(envelope, service: request.service), range: index..<(index + 1), client: client))
        turn.majordomoRequests[envelope.routingId, default: 0] += 1
        turn.majordomoRequestCount += 1
    }

    /// MDP has no error reply, so a refusal or a dead job is answered with this JSON body:
    /// `{"error":{"code":…,"message":…}}`.
    static func majordomoErrorBody(code: String, message: String) -> [UInt8] {
        Array(#"{"error":{"code":"#.utf8) + Array(JSONText.quoted(code).utf8)
            + Array(#","message":"#.utf8) + Array(JSONText.quoted(message).utf8) + Array("}}".utf8)
    }
}
