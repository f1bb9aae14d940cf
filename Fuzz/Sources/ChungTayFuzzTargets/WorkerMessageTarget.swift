import ChungTayCoding
import ChungTayRules
import ChungTayWire

/// `worker-message`: a whole message as the dispatcher's worker ROUTER receives it
/// (input split by `FrameSplit`: routing id, optional empty delimiter, then a CTWP01 or
/// MDPW01 message), decoded the way `Dispatcher.handleWorker` does.
///
/// Properties: a decoded message encodes to frames that decode to the same message;
/// every result document passes the store's one-line-object check; an MDP REPLY's body
/// becomes a stored document (`ResultDocument.opaqueBody`) that is one line of strict
/// JSON, as every reader of the store expects.
enum WorkerMessageTarget {
    static let target = FuzzTarget(name: "worker-message", run: run, seeds: seeds)

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard let (_, body) = try? Envelope.split(FrameSplit.frames(input)) else { return }
        switch body.first {
        case WorkerProtocol.header:
            guard let message = try? WorkerMessage.decode(body.dropFirst()) else { return }
            try checkNative(message)
        case Majordomo.workerHeader:
            guard let message = try? Majordomo.WorkerMessage.decode(body) else { return }
            try check((try? Majordomo.WorkerMessage.decode(message.encode()[...])) == message, "MDP message \(message) does not survive encode and decode")
            if case .reply(_, let replyBody) = message {
                try checkStoredReply(Array(replyBody.joined()))
            }
        default:
            return
        }
    }

    /// Shared with `ResultExtrasTarget`, which builds RESULT messages around its input.
    static func checkNative(_ message: WorkerMessage) throws(FuzzFailure) {
        try check((try? WorkerMessage.decode(message.encode().dropFirst())) == message, "message \(message) does not survive encode and decode")
        if case .results(let results) = message {
            for result in results {
                try check(result.documents.allSatisfy(ResultDocumentCheck.isSingleLineObject), "a result document of task \(result.taskId) is not one line")
            }
        }
    }

    private static func checkStoredReply(_ payload: [UInt8]) throws(FuzzFailure) {
        let document = ResultDocument.make(
            .init(taskId: 1, kind: "mdp.echo", batchId: nil, processedAt: "2026-03-01T00:00:00.000Z", worker: "w"),
            body: ResultDocument.opaqueBody(payload))
        try check(ResultDocumentCheck.isSingleLineObject(document), "the stored document of an MDP reply is not one line")
        try check((try? JSONValue(parsing: document)) != nil, "the stored document of an MDP reply is not strict JSON")
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        let documents = [Array(#"{"a":1}"#.utf8), Array("{}".utf8)]
        let messages: [(String, WorkerMessage)] = [
            ("ready", .ready(name: "w1", kinds: ["household.review", "loan.status"], credit: 8)),
            ("ready-max-credit", .ready(name: "w1", kinds: ["a"], credit: .max)),
            ("tasks", .tasks([
                TaskAssignment(taskId: 1, kind: "system.echo", attempt: 1, payload: Array("x".utf8)),
                TaskAssignment(taskId: .max, kind: "household.review", attempt: .max, payload: [], batchId: "B1"),
            ])),
            ("result-single", .results([TaskResult(taskId: 1, documents: [documents[0]], isList: false)])),
            ("result-list", .results([TaskResult(taskId: 2, documents: documents, isList: true)])),
            ("result-empty-list", .results([TaskResult(taskId: 3, documents: [], isList: true)])),
            ("result-extras", .results([TaskResult(
                taskId: 4, documents: documents, isList: true, keys: ["TL-1", "TL-2"],
                followUps: [JobSpec(kind: "loan.status", payload: Array("{}".utf8), priority: 5)],
                counters: [Counter(name: "reviewed", value: 2), Counter(name: "max", value: .max)])])),
            ("results-two", .results([
                TaskResult(taskId: 5, documents: [documents[1]], isList: false),
                TaskResult(taskId: 6, documents: documents, isList: true, counters: [Counter(name: "min", value: .min)]),
            ])),
            ("fail", .failures([TaskFailure(taskId: 1, retryable: true, code: "payload_invalid", message: "no")])),
            ("heartbeat", .heartbeat(nil)),
            ("heartbeat-stats", .heartbeat(WorkerStatsTarget.sample)),
            ("disconnect", .disconnect(reason: "bye")),
            ("error", .error(code: "malformed", message: "bad")),
            ("log", .log([LogRecord(time: "2026-12-04T04:00:00.000Z", level: .notice, role: .worker, worker: "w1", host: "h",
                                    message: "task failed", taskId: "9", kind: "system.echo", fields: ["code": "boom"])])),
        ]
        for (name, message) in messages {
            seeds.add(name, frames: [routingId] + message.encode())
        }
        // The older unpacked RESULT form: one frame per document (flags without bit 2).
        seeds.add("result-unpacked", frames: [routingId, WorkerProtocol.header, [0x03], IdList.encode([7]) + [1, 0, 0, 0, 2]] + documents)
        let mdp: [(String, Majordomo.WorkerMessage)] = [
            ("mdp-ready", .ready(service: "system.echo")),
            ("mdp-reply", .reply(clientAddress: IdList.encode([1]), body: [Array(#"{"ok":true}"#.utf8)])),
            ("mdp-reply-text", .reply(clientAddress: IdList.encode([2]), body: [Array("plain \"text\"\n".utf8)])),
            ("mdp-reply-binary", .reply(clientAddress: IdList.encode([3]), body: [[0xFF, 0x00, 0xC3], [0x28]])),
            ("mdp-heartbeat", .heartbeat),
            ("mdp-disconnect", .disconnect),
        ]
        for (name, message) in mdp {
            seeds.add(name, frames: [routingId, []] + message.encode())
        }
        return seeds.seeds
    }
}
