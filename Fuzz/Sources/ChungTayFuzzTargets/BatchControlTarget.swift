import ChungTayWire

/// `batch-control`: a BATCH-OPEN or BATCH-SEAL body (JSON, docs/PROTOCOL.md). The first
/// input byte chooses the command (even: BATCH-OPEN, odd: BATCH-SEAL), the rest is the
/// body frame, decoded inside a request as the dispatcher does.
///
/// Property: a decoded request encodes to frames that decode to the same request.
enum BatchControlTarget {
    static let target = FuzzTarget(name: "batch-control", run: run, seeds: seeds)

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard let selector = input.first else { return }
        let command: ClientProtocol.Command = selector.isMultiple(of: 2) ? .batchOpen : .batchSeal
        let frames: [[UInt8]] = [[command.rawValue], IdList.encode([1]), Array(input.dropFirst())]
        guard let request = try? ClientMessage<ClientRequest>.decode(frames[...]) else { return }
        try ClientRequestTarget.checkRoundTrip(request)
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        let requests: [(String, ClientRequest)] = [
            ("open", .batchOpen(BatchOpening(
                name: "march", asOf: "2026-03-01", whatIf: true, submittedBy: "an@host",
                inputs: ["households.csv 1000 0123abcd", "loans.jsonl 20 ffee"]))),
            ("open-unicode", .batchOpen(BatchOpening(name: "Tánh Linh tháng 3", asOf: "2026-12-31", whatIf: false, submittedBy: "", inputs: []))),
            ("seal", .batchSeal(BatchSealing(batchId: "B1", householdChunks: 4, loanChunks: 1, inputErrors: 2))),
            ("seal-extremes", .batchSeal(BatchSealing(batchId: "", householdChunks: .max, loanChunks: .min, inputErrors: -1))),
        ]
        for (name, request) in requests {
            let selector: UInt8 = if case .batchOpen = request { 0 } else { 1 }
            let body = ClientMessage(requestId: 1, body: request).encode()[3]
            seeds.add(name, [selector] + body)
            seeds.add(name + "-truncated", [selector] + body.prefix(body.count / 2))
        }
        seeds.add("seal-float", [1] + Array(#"{"batchId":"B","householdChunks":1e300,"loanChunks":0.5,"inputErrors":0}"#.utf8))
        seeds.add("open-bad-date", [0] + Array(#"{"name":"n","asOf":"2026-13-99","whatIf":false,"submittedBy":"x","inputs":[]}"#.utf8))
        return seeds.seeds
    }
}
