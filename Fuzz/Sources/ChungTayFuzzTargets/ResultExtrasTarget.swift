import ChungTayWire

/// `result-extras`: the input (split by `FrameSplit`) is the extras frame of a RESULT
/// (document keys, follow-up jobs and batch counters, docs/PROTOCOL.md) for a task with
/// two documents, then the follow-up payload frames, decoded as the dispatcher decodes a
/// worker's RESULT. Aimed at the counts and length prefixes of the extras.
///
/// Properties: as `worker-message`.
enum ResultExtrasTarget {
    static let target = FuzzTarget(name: "result-extras", run: run, seeds: seeds)

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard let message = try? WorkerMessage.decode(message(FrameSplit.frames(input))[...]) else { return }
        try WorkerMessageTarget.checkNative(message)
    }

    /// The RESULT message around the extras and payload frames.
    private static func message(_ extrasAndPayloads: [[UInt8]]) -> [[UInt8]] {
        // Task 7, a list (1) with extras (2) packed (4), two documents.
        let header = IdList.encode([7]) + [1 | 2 | 4, 0, 0, 0, 2]
        return [[WorkerProtocol.Command.result.rawValue], header, Array("{}\n{}\n".utf8)] + extrasAndPayloads
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        let results: [(String, TaskResult)] = [
            ("keys", TaskResult(taskId: 7, documents: [[], []], isList: true, keys: ["TL-1", "TL-2"])),
            ("follow-ups", TaskResult(taskId: 7, documents: [[], []], isList: true, followUps: [
                JobSpec(kind: "loan.status", payload: Array("{}".utf8), priority: 1),
                JobSpec(kind: "notify.emit", payload: [], priority: .min), JobSpec(kind: "x", payload: [0xFF], priority: .max),
            ])),
            ("counters", TaskResult(taskId: 7, documents: [[], []], isList: true, counters: [
                Counter(name: "loansByStatus/overdue", value: 3), Counter(name: "max", value: .max), Counter(name: "min", value: .min),
            ])),
        ]
        for (name, result) in results {
            // The extras frame and the payloads follow the header and the packed documents.
            seeds.add(name, frames: Array(WorkerMessage.results([result]).encode()[4...]))
        }
        return seeds.seeds
    }
}
