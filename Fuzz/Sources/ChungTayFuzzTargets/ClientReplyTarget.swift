import ChungTayWire

/// `client-reply`: a CTCP01 reply as a client receives it on its DEALER (input split by
/// `FrameSplit`, no envelope), decoded as `DispatcherClient` does.
///
/// Property: a decoded reply encodes to frames that decode to the same reply.
enum ClientReplyTarget {
    static let target = FuzzTarget(name: "client-reply", run: run, seeds: seeds)

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard let reply = try? ClientMessage<ClientReply>.decode(FrameSplit.frames(input)) else { return }
        try check((try? ClientMessage<ClientReply>.decode(reply.encode())) == reply, "reply \(reply) does not survive encode and decode")
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        let document = Array(#"{"id":"1","kind":"system.echo","state":"completed"}"#.utf8)
        let replies: [(String, ClientReply)] = [
            ("accepted", .accepted([SubmitReceipt(jobId: 1, existed: false), SubmitReceipt(jobId: .max, existed: true)])),
            ("job-info", .jobInfo(document)),
            ("wait-done", .waitDone([document, document])),
            ("wait-done-empty", .waitDone([])),
            ("status-report", .statusReport(Array(#"{"queued":0}"#.utf8))),
            ("dead-letter-list", .deadLetterList(Array("[]".utf8))),
            ("retried", .retried(count: 3)),
            ("batch-info", .batchInfo(Array(#"{"id":"B1"}"#.utf8))),
            ("documents", .documents([document])),
            ("error", .error(code: "malformed", message: "job id out of range")),
        ]
        for (name, body) in replies {
            seeds.add(name, frames: ClientMessage(requestId: 9, body: body).encode())
        }
        seeds.add("request-as-reply", frames: ClientMessage(requestId: 9, body: ClientRequest.status).encode())
        return seeds.seeds
    }
}
