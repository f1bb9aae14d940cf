import ChungTayWire

/// `job-header`: the input is one SUBMIT job header frame (kind, priority, idempotency
/// key, batch id and counters, docs/PROTOCOL.md), decoded inside a SUBMIT request as the
/// dispatcher does. Aimed at the length prefixes and the counter list, which the
/// whole-message target reaches only rarely.
///
/// Property: a decoded SUBMIT encodes to frames that decode to the same request.
enum JobHeaderTarget {
    static let target = FuzzTarget(name: "job-header", run: run, seeds: seeds)

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        let frames: [[UInt8]] = [[ClientProtocol.Command.submit.rawValue], IdList.encode([1]), input, Array("{}".utf8)]
        guard let request = try? ClientMessage<ClientRequest>.decode(frames[...]) else { return }
        try ClientRequestTarget.checkRoundTrip(request)
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        let jobs: [(String, JobSpec)] = [
            ("plain", JobSpec(kind: "system.echo", payload: [])),
            ("keyed", JobSpec(kind: "household.review", payload: [], idempotencyKey: String(repeating: "k", count: 1024), priority: .max)),
            ("batch", JobSpec(kind: "loan.status", payload: [], batchId: String(repeating: "b", count: 64))),
            ("counters", JobSpec(kind: "a", payload: [], batchId: "B1", counters: [
                Counter(name: "accepted/households", value: 1), Counter(name: "max", value: .max),
                Counter(name: "min", value: .min), Counter(name: String(repeating: "n", count: 255), value: -1),
            ])),
        ]
        for (name, job) in jobs {
            let header = ClientMessage(requestId: 1, body: ClientRequest.submit([job])).encode()[3]
            seeds.add(name, header)
            seeds.add(name + "-truncated", Array(header.dropLast()))
        }
        return seeds.seeds
    }
}
