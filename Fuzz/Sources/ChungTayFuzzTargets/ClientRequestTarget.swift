import ChungTayWire

/// `client-request`: a whole message as the dispatcher's client ROUTER receives it
/// (input split by `FrameSplit`: routing id, optional empty delimiter, then a CTCP01 or
/// MDPC01 message), decoded the way `Dispatcher.handleClient` does.
///
/// Properties: the envelope wraps back to the frames it was split from; a decoded
/// request encodes to frames that decode to the same request; a refused request's
/// error reply decodes as a CTCP01 ERROR reply.
enum ClientRequestTarget {
    static let target = FuzzTarget(name: "client-request", run: run, seeds: seeds)

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        let frames = FrameSplit.frames(input)
        guard let (envelope, body) = try? Envelope.split(frames) else { return }
        try check(envelope.wrap(Array(body)) == frames, "the envelope does not wrap back to the frames it came from")
        switch body.first {
        case ClientProtocol.header:
            let request: ClientMessage<ClientRequest>
            do throws(WireError) {
                request = try ClientMessage<ClientRequest>.decode(body.dropFirst())
            } catch {
                let reply = ClientProtocol.errorReply(error)
                try check(
                    (try? ClientMessage<ClientReply>.decode(reply))?.body == .error(code: error.code.rawValue, message: error.message),
                    "the error reply for \(error) does not decode")
                return
            }
            try checkRoundTrip(request)
        case Majordomo.clientHeader:
            guard let request = try? Majordomo.ClientRequest.decode(body) else { return }
            try check(
                (try? Majordomo.ClientRequest.decode(request.encode()[...])) == request,
                "MDP request \(request) does not survive encode and decode")
        default:
            return
        }
    }

    /// Shared with the targets that build a request around their input.
    static func checkRoundTrip(_ request: ClientMessage<ClientRequest>) throws(FuzzFailure) {
        try check(
            (try? ClientMessage<ClientRequest>.decode(request.encode().dropFirst())) == request,
            "request \(request) does not survive encode and decode")
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        let batchJob = JobSpec(
            kind: "household.review", payload: Array(#"{"batch":{}}"#.utf8), idempotencyKey: "B1/households/1",
            priority: -3, batchId: "B1", counters: [Counter(name: "accepted/households", value: 250)])
        let requests: [(String, ClientRequest)] = [
            ("submit", .submit([JobSpec(kind: "system.echo", payload: Array("hello".utf8))])),
            ("submit-batch-job", .submit([batchJob, JobSpec(kind: "a", payload: [], priority: Int16.min)])),
            ("submit-counter-extremes", .submit([JobSpec(
                kind: "k", payload: [], batchId: "B", counters: [Counter(name: "max", value: .max), Counter(name: "min", value: .min)])])),
            ("job", .job(42)),
            ("wait", .wait([1, 2, 3])),
            ("wait-boundaries", .wait(boundaryIds)),
            ("status", .status),
            ("dead-letters", .deadLetters),
            ("retry-all", .retryDeadLetters([])),
            ("retry-some", .retryDeadLetters(boundaryIds)),
            ("batch-open", .batchOpen(BatchOpening(name: "march", asOf: "2026-03-01", whatIf: false, submittedBy: "an@host", inputs: ["h.csv 10 abc"]))),
            ("batch-seal", .batchSeal(BatchSealing(batchId: "B1", householdChunks: 3, loanChunks: 2, inputErrors: 0))),
            ("batch-status", .batchStatus("march")),
            ("batch-list", .batchList),
            ("results", .results(key: "TL-0001", batchId: "B1")),
            ("results-any-batch", .results(key: "TL-0001", batchId: nil)),
            ("results-requested-by", .results(key: "TL-0001", batchId: nil, requestedBy: "operator@host")),
        ]
        for (name, body) in requests {
            let message = ClientMessage(requestId: 7, body: body).encode()
            seeds.add(name, frames: [routingId] + message)
            seeds.add(name + "-delimited", frames: [routingId, []] + message)
        }
        for (name, principal, body) in [
            ("on-behalf-submit", "clients/core-banking", ClientRequest.submit([JobSpec(kind: "loan.status", payload: Array("{}".utf8), idempotencyKey: "r-1")])),
            ("on-behalf-job", "operators/night-shift", .job(42)),
        ] {
            seeds.add(name, frames: [routingId] + ClientMessage(requestId: 7, body: body, principal: principal).encode())
        }
        for id in boundaryIds {
            seeds.add("job-\(id)", frames: [routingId] + ClientMessage(requestId: id, body: .job(id)).encode())
        }
        seeds.add("mdp", frames: [routingId, []] + Majordomo.ClientRequest(service: "system.echo", body: [Array("hi".utf8)]).encode())
        seeds.add("mdp-mmi", frames: [routingId, []] + Majordomo.ClientRequest(service: "mmi.service", body: [Array("system.echo".utf8)]).encode())
        seeds.add("unknown-command", frames: [routingId, ClientProtocol.header, [0x7E], IdList.encode([1])])
        seeds.add("reply-as-request", frames: [routingId, ClientProtocol.header, [0x81], IdList.encode([1])])
        return seeds.seeds
    }
}
