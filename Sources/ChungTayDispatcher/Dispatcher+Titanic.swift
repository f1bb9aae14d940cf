import ChungTayStore
import ChungTayWire

/// 9/TSP (Titanic) on the client endpoint. 7/MDP keeps a client's reply in memory only, so a
/// client that restarts, or whose dispatcher restarts, loses it; the Guide's Titanic broker
/// fixes that with a disk store of its own. Here the journal and the result stores already
/// are that store: `titanic.request` is a job like an MDP request (the same commit, the same
/// workers), its UUID is the job id (``Majordomo/Titanic/uuid(forJob:)``), and
/// `titanic.reply` reads the job's row and stored result. Nothing else is kept, so no table
/// grows with Titanic clients, and `chungtay job`, JOB and the dead letters see these jobs
/// like any other.
extension Dispatcher {
    func handleTitanic(_ request: Majordomo.ClientRequest, from envelope: Envelope, client: ClientIdentity, turn: inout Turn) {
        if request.service == Majordomo.Titanic.request {
            titanicRequest(request, from: envelope, client: client, turn: &turn)
        } else {
            titanicLookup(request, from: envelope, client: client)
        }
    }

    /// `[service][request]`: journalled in this turn's commit; the UUID is sent only once the
    /// commit is durable (``titanicAccepted(_:jobId:)``), as ACCEPTED is.
    private func titanicRequest(_ request: Majordomo.ClientRequest, from envelope: Envelope, client: ClientIdentity, turn: inout Turn) {
        let service = request.body.first.flatMap { String(validating: $0, as: UTF8.self) } ?? ""
        let refusal: (Majordomo.Titanic.Status, WireError)? = if draining {
            (.serverError, WireError(.shuttingDown, "the dispatcher is shutting down; send the request again later"))
        } else if request.body.count != 2 {
            (.clientError, WireError(.malformed, "titanic.request carries a service frame and exactly one request frame"))
        } else if !JobSpec.isValidKind(service) {
            (.clientError, WireError(.unknownKind, "the service frame is not a kind name"))
        } else if !acceptedKinds.contains(service) {
            (.clientError, WireError(.unknownKind, "no worker serves '\(service)'"))
        } else if storageBackoff.isPaused(at: clock.now) {
            (.serverError, WireError(.storage, "storage is failing (e.g. the disk is full); nothing was stored; send the request again later"))
        } else {
            nil
        }
        if let (status, error) = refusal {
            refuseTitanic(envelope, service: request.service, status, error)
            return
        }
        let index = turn.commit.submissions.count
        turn.commit.submissions.append(JobSpec(kind: service, payload: request.body[1]))
        turn.commit.submitters.append(client.peer?.principal)
        turn.submissions.append(.init(origin: .titanic(envelope), range: index..<(index + 1), client: client))
    }

    /// The commit holding a `titanic.request` is durable: its UUID goes back.
    func titanicAccepted(_ envelope: Envelope, jobId: UInt64) {
        guard let uuid = Majordomo.Titanic.uuid(forJob: jobId) else {
            refuseTitanic(envelope, service: Majordomo.Titanic.request, .serverError,
                          WireError(.storage, "job \(jobId) is stored but beyond the ids a Titanic UUID can name; read it with `chungtay job`"))
            return
        }
        answerTitanic(envelope, service: Majordomo.Titanic.request, .ok, [Array(uuid.utf8)])
    }

    /// A commit holding a `titanic.request` failed: nothing was stored.
    func titanicAbandoned(_ envelope: Envelope, error: String) {
        refuseTitanic(envelope, service: Majordomo.Titanic.request, .serverError, WireError(.storage, error))
    }

    /// `titanic.reply` and `titanic.close` `[UUID]`, with JOB's checks: the job must exist
    /// and, with CURVE, be the client's own (or the client an operator).
    ///
    /// `titanic.close` only says the client is done: the job's row and result stay, because
    /// the journal and stores are the audit record of what was asked and answered, and no
    /// client request deletes from them. Closing twice, or a reply after a close, answers
    /// as before.
    private func titanicLookup(_ request: Majordomo.ClientRequest, from envelope: Envelope, client: ClientIdentity) {
        let service = request.service
        guard request.body.count == 1, let id = Majordomo.Titanic.jobId(fromUUID: request.body[0]) else {
            refuseTitanic(envelope, service: service, .clientError,
                          WireError(.malformed, "\(service) carries exactly one frame: a UUID that titanic.request returned"))
            return
        }
        do {
            guard let record = try journal.job(id) else {
                refuseTitanic(envelope, service: service, .clientError, WireError(.unknownJob, "no request has this UUID"))
                return
            }
            guard client.mayAct(asOwnerOf: owner(of: record)) else {
                let text = "this request is another client's: only its owner or an operator key may read or close it"
                // Logged once a minute per principal, like every refused command; not by refuseTitanic.
                logRefusal("refused a command", command: service, peer: client.peer, key: nil, reason: text)
                answerTitanic(envelope, service: service, .clientError,
                              [Self.majordomoErrorBody(code: WireError.Code.forbidden.rawValue, message: text)])
                return
            }
            if service == Majordomo.Titanic.close {
                answerTitanic(envelope, service: service, .ok)
                return
            }
            switch record.state {
            case .queued:
                answerTitanic(envelope, service: service, .pending)
            case .dead:
                // The final failure, as the live MDP reply carried it (shortened as JobDocument does).
                let body = Self.majordomoErrorBody(code: TaskFailure.shortened(record.errorCode ?? ""),
                                                   message: TaskFailure.shortened(record.errorMessage ?? ""))
                answerTitanic(envelope, service: service, .serverError, [body])
            case .completed:
                if let length = record.result?.length, length > Int64(configuration.maxMessageSize) {
                    refuseTitanic(envelope, service: service, .serverError, WireError(
                        .tooLarge, "the result is \(length) bytes, over the maximum message size; read it with `chungtay job \(record.id)`"))
                } else {
                    answerTitanic(envelope, service: service, .ok, try titanicReplyBody(record))
                }
            }
        } catch {
            refuseTitanic(envelope, service: service, .serverError, WireError(.storage, "\(error)"))
        }
    }

    /// The stored result documents, one frame each: what a live MDP client gets when a
    /// native worker completes its request. (An MDP worker's reply is stored wrapped, as
    /// SCHEMA.md's `result`; that document is what Titanic returns for it.) The caller has
    /// checked the size: a list result can be huge, and is then not read.
    private func titanicReplyBody(_ record: JobRecord) throws(StoreError) -> [[UInt8]] {
        guard let location = record.result else { return [] }
        return try store.read(location).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map(Array.init)
    }

    private func refuseTitanic(_ envelope: Envelope, service: String, _ status: Majordomo.Titanic.Status, _ error: WireError) {
        logger.notice("refused a Titanic request", metadata: ["code": "\(error.code.rawValue)", "service": "\(service)"])
        answerTitanic(envelope, service: service, status, [Self.majordomoErrorBody(code: error.code.rawValue, message: error.message)])
    }

    private func answerTitanic(_ envelope: Envelope, service: String, _ status: Majordomo.Titanic.Status, _ body: [[UInt8]] = []) {
        _ = send(envelope.wrap(Majordomo.clientReply(service: service, body: [status.frame] + body)), to: clientSocket)
    }
}
