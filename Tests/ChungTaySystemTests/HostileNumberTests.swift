#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ChungTayClient
import ChungTayWire
import Foundation
import Testing

/// Hostile numbers, batch ownership, waits and kinds (issue 9): each of these used to
/// trap, stall or corrupt the dispatcher.
extension SystemTests {
    /// Job ids of 2^63 and more (any `u64` may arrive) name no job: `unknown_job`, where
    /// `Int64(id)` used to trap the dispatcher.
    @Test func jobIdsBeyondTheRowidRangeAnswerUnknownJob() throws {
        let sandbox = try Sandbox("bigids")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let job = try sandbox.cli(["job", "9223372036854775808", "--connect", dispatcher.clientEndpoint])
        #expect(job.status == 1 && job.stderr.contains("unknown_job"), "\(job)\n\(sandbox.logs())")
        let client = try DispatcherClient(endpoint: dispatcher.clientEndpoint)
        for request in [ClientRequest.job(1 << 63), .job(.max), .wait([1 << 63]), .wait([.max, .max])] {
            #expect(refusal { try client.call(request) } == "unknown_job")
        }
        #expect(try client.call(.retryDeadLetters([1 << 63, .max])) == .retried(count: 0))
        #expect(try sandbox.status(dispatcher.clientEndpoint)["draining"] as? Bool == false)
    }

    /// A SUBMIT whose counters could overflow its batch's is refused whole (also when the
    /// overflow needs another SUBMIT of the same turn); the dispatcher lives on, and starts
    /// again on its data. It used to trap on `+=`, leaving a REAL in SQLite that stopped
    /// every later start.
    @Test func submitCountersThatWouldOverflowAreRefused() throws {
        let sandbox = try Sandbox("submitoverflow")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let client = try DispatcherClient(endpoint: dispatcher.clientEndpoint)
        let batch = try client.openBatch(BatchOpening(name: "big", asOf: "2026-11-27", whatIf: false, submittedBy: "test", inputs: []))
        func job(_ value: Int64, _ key: String) -> JobSpec {
            JobSpec(kind: "system.echo", payload: Array("{}".utf8), idempotencyKey: key, batchId: batch.id,
                    counters: [Counter(name: "accepted/households", value: value)])
        }
        guard case .accepted = try client.call(.submit([job(.max - 10, "a")])) else { throw HarnessError("expected ACCEPTED") }
        // One job of the SUBMIT would overflow: none of it is accepted.
        #expect(refusal { try client.call(.submit([job(5, "b"), job(6, "c")])) } == "counter_overflow")
        #expect(refusal { try client.call(.submit([job(.min, "d"), job(.min, "e")])) } == "counter_overflow")
        guard case .accepted(let receipts) = try client.call(.submit([job(5, "b")])) else { throw HarnessError("expected ACCEPTED") }
        #expect(receipts.map(\.existed) == [false], "job b was not created by the refused SUBMIT")
        // Two SUBMITs in flight at once, together over the top: one is accepted, one refused.
        let first = try client.send(.submit([job(3, "f")]))
        let second = try client.send(.submit([job(3, "g")]))
        var replies: [UInt64: ClientReply] = [:]
        while replies.count < 2, let reply = try client.receive() { replies[reply.requestId] = reply.body }
        let bodies = [first, second].compactMap { replies[$0] }
        #expect(bodies.filter { if case .accepted = $0 { true } else { false } }.count == 1, "\(bodies)")
        #expect(bodies.filter { if case .error(let code, _) = $0 { code == "counter_overflow" } else { false } }.count == 1, "\(bodies)")
        #expect(try client.batchStatus(batch.id).status.households == Int(Int64.max - 2))

        dispatcher.process.signal(SIGKILL)
        #expect(dispatcher.process.waitForExit(timeout: .seconds(10)))
        let restarted = try sandbox.startDispatcher(name: "dispatcher-2")
        let after = try DispatcherClient(endpoint: restarted.clientEndpoint).batchStatus(batch.id).status
        #expect(after.households == Int(Int64.max - 2))
    }

    /// A worker's RESULT whose counters could overflow the batch's, or whose follow-up names
    /// a kind nobody accepted, does not complete its task: the attempt fails with
    /// `counter_overflow` / `unknown_kind` (here the last attempt, so the job is dead), and
    /// the batch can still complete. These used to trap the dispatcher, or leave a
    /// follow-up queued for ever so the batch never completed.
    @Test func aResultThatWouldOverflowOrNameAnUnknownKindFailsItsAttempt() throws {
        let sandbox = try Sandbox("resultoverflow")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher(liveness: 300, extra: ["--max-attempts", "1"])
        let raw = try RawBatchWorker(sandbox, dispatcher, batchName: "results")
        let (worker, client) = (raw.worker, raw.client)
        let ids = try raw.submit(keys: ["r1", "r2", "r3"])
        #expect(try raw.receiveTasks(3) == Set(ids))
        func document(_ id: UInt64) -> [[UInt8]] { [Array(#"{"taskId":"\#(id)"}"#.utf8)] }
        try worker.send(WorkerMessage.results([
            TaskResult(taskId: ids[0], documents: document(ids[0]), isList: false, counters: [Counter(name: "x", value: .max)]),
            TaskResult(taskId: ids[1], documents: document(ids[1]), isList: false, counters: [Counter(name: "x", value: 1)]),
            TaskResult(taskId: ids[2], documents: document(ids[2]), isList: false,
                       followUps: [JobSpec(kind: "never.announced", payload: [])]),
        ]).encode())
        let jobs = try sandbox.finishedJobs(ids, endpoint: dispatcher.clientEndpoint).map { job in
            (job["state"] as? String, (job["error"] as? [String: Any])?["code"] as? String)
        }
        #expect(jobs.map(\.0) == ["completed", "dead", "dead"], "\(jobs)\n\(sandbox.logs())")
        #expect(jobs.map(\.1) == [nil, "counter_overflow", "unknown_kind"], "\(jobs)")
        let sealed = try client.sealBatch(BatchSealing(batchId: raw.batchId, householdChunks: 0, loanChunks: 0, inputErrors: 0))
        let complete = try sandbox.eventually("the batch to complete") { () -> BatchStatus? in
            let status = try client.batchStatus(raw.batchId).status
            return status.isComplete ? status : nil
        }
        #expect(sealed.id == complete.id && complete.jobs.dead == 2 && complete.jobs.completed == 1, "\(complete)")

        dispatcher.process.signal(SIGKILL)
        #expect(dispatcher.process.waitForExit(timeout: .seconds(10)))
        let restarted = try sandbox.startDispatcher(name: "dispatcher-2")
        #expect(try DispatcherClient(endpoint: restarted.clientEndpoint).batchStatus(raw.batchId).status.isComplete)
    }

    /// A job carries at most `Counter.maxPerJob` counters and a batch holds at most
    /// `Counter.maxNamesPerBatch` names: a SUBMIT over either is refused whole, a RESULT
    /// over either fails its attempt with `too_many_counters`, and names the batch holds
    /// already still count. Names used to be unbounded, and each admit copied them all.
    @Test func countersArePerJobAndPerBatchCapped() throws {
        let sandbox = try Sandbox("toomanycounters")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher(liveness: 300, extra: ["--max-attempts", "1"])
        let raw = try RawBatchWorker(sandbox, dispatcher, batchName: "names")
        let (worker, client) = (raw.worker, raw.client)
        func counters(_ names: Range<Int>) -> [Counter] { names.map { Counter(name: "n/\($0)", value: 1) } }
        func job(_ key: String, _ counters: [Counter]) -> JobSpec { raw.job(key, counters: counters) }
        let most = Counter.maxPerJob
        #expect(refusal { try client.call(.submit([job("over", counters(0..<most + 1))])) } == "too_many_counters")
        // One name short of the batch's cap, in two jobs; then a new name is one too many,
        // even with a job that fits beside it in the same SUBMIT, and nothing of it is taken.
        let names = Counter.maxNamesPerBatch - 1
        guard case .accepted(let filled) = try client.call(.submit([job("a", counters(0..<most)), job("b", counters(most..<names))])) else {
            throw HarnessError("expected ACCEPTED")
        }
        #expect(refusal { try client.call(.submit([job("c", counters(0..<1)), job("d", counters(names..<names + 2))])) } == "too_many_counters")
        guard case .accepted(let again) = try client.call(.submit([job("c", counters(0..<1))])) else { throw HarnessError("expected ACCEPTED") }
        #expect(again.map(\.existed) == [false], "job c was not created by the refused SUBMIT")

        let ids = (filled + again).map(\.jobId)
        #expect(try raw.receiveTasks(3) == Set(ids))
        func document(_ id: UInt64) -> [[UInt8]] { [Array(#"{"taskId":"\#(id)"}"#.utf8)] }
        // `documents/test.raw` is the batch's last free name: the first result's own new
        // name is one too many, the second carries too many, the third fits.
        try worker.send(WorkerMessage.results([
            TaskResult(taskId: ids[0], documents: document(ids[0]), isList: false, counters: [Counter(name: "new", value: 1)]),
            TaskResult(taskId: ids[1], documents: document(ids[1]), isList: false, counters: counters(0..<most + 1)),
            TaskResult(taskId: ids[2], documents: document(ids[2]), isList: false, counters: counters(0..<1)),
        ]).encode())
        let jobs = try sandbox.finishedJobs(ids, endpoint: dispatcher.clientEndpoint).map { job in
            (job["state"] as? String, (job["error"] as? [String: Any])?["code"] as? String)
        }
        #expect(jobs.map(\.0) == ["dead", "dead", "completed"], "\(jobs)\n\(sandbox.logs())")
        #expect(jobs.map(\.1) == ["too_many_counters", "too_many_counters", nil], "\(jobs)")
    }

    /// A FAIL's message is stored cut to 4 KiB, and DEAD-LETTER-LIST holds only as many job
    /// documents as fit one message. Both used to take any size: 1000 dead letters with
    /// 16 MiB messages made a reply of gigabytes.
    @Test func deadLetterListsFitOneMessage() throws {
        let sandbox = try Sandbox("deadletterbytes")
        defer { sandbox.close() }
        let maxBytes = 65_536
        let dispatcher = try sandbox.startDispatcher(liveness: 300, extra: ["--max-message-bytes", "\(maxBytes)"])
        let worker = try RawPeer(.dealer, connect: dispatcher.workerEndpoint)
        try worker.send(WorkerMessage.ready(name: "raw", kinds: ["test.raw"], credit: 40).encode())
        try sandbox.waitForWorker("raw", endpoint: dispatcher.clientEndpoint)
        let client = try DispatcherClient(endpoint: dispatcher.clientEndpoint)
        guard case .accepted(let receipts) = try client.call(.submit((1...30).map { _ in JobSpec(kind: "test.raw", payload: []) })) else {
            throw HarnessError("expected ACCEPTED")
        }
        var tasks: Set<UInt64> = []
        while tasks.count < 30 {
            let frames = try worker.receive("TASKS")
            if case .tasks(let assigned) = try WorkerMessage.decode(frames.dropFirst()) { tasks.formUnion(assigned.map(\.taskId)) }
        }
        for id in tasks {
            try worker.send(WorkerMessage.failures([TaskFailure(taskId: id, retryable: false, code: "handler_failed",
                                                                message: String(repeating: "m", count: 6000))]).encode())
        }
        let jobs = try sandbox.finishedJobs(receipts.map(\.jobId), endpoint: dispatcher.clientEndpoint)
        let messages = jobs.compactMap { ($0["error"] as? [String: Any])?["message"] as? String }
        #expect(messages.count == 30 && messages.allSatisfy { $0.utf8.count == TaskFailure.maxMessageBytes }, "\(messages.map(\.count))")
        guard case .deadLetterList(let list) = try client.call(.deadLetters) else { throw HarnessError("expected DEAD-LETTER-LIST") }
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(list)) as? [Any])
        #expect(list.count <= maxBytes && (1..<30).contains(listed.count), "\(list.count) bytes, \(listed.count) documents")
    }

    /// Only a seal declaring exactly the chunks accepted seals a batch; sealing again must
    /// repeat the first seal; a sealed batch takes no more jobs. Any peer used to be able
    /// to seal (and so complete) another client's batch at any time, with any counts.
    @Test func onlyASealMatchingTheAcceptedChunksSealsABatch() throws {
        let sandbox = try Sandbox("seal")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let client = try DispatcherClient(endpoint: dispatcher.clientEndpoint)
        let batch = try client.openBatch(BatchOpening(name: "owned", asOf: "2026-11-27", whatIf: false, submittedBy: "test", inputs: []))
        func chunk(_ key: String) -> JobSpec {
            JobSpec(kind: "household.review", payload: Array("{}".utf8), idempotencyKey: key, batchId: batch.id,
                    counters: [Counter(name: "accepted/householdChunks", value: 1)])
        }
        guard case .accepted = try client.call(.submit([chunk("h1"), chunk("h2")])) else { throw HarnessError("expected ACCEPTED") }
        func seal(_ households: Int, _ loans: Int, _ inputErrors: Int) throws -> BatchStatus {
            try client.sealBatch(BatchSealing(batchId: batch.id, householdChunks: households, loanChunks: loans, inputErrors: inputErrors))
        }
        for (households, loans) in [(1, 0), (2, 1), (3, 0), (0, 0)] {
            #expect(refusal { try seal(households, loans, 0) } == "seal_mismatch")
        }
        #expect(try client.batchStatus(batch.id).status.state == "accepting")
        #expect(try seal(2, 0, 3).state == "running")
        #expect(try seal(2, 0, 3).state == "running")
        #expect(refusal { try seal(2, 0, 4) } == "seal_mismatch")
        #expect(refusal { try client.call(.submit([chunk("h3")])) } == "batch_sealed")
        #expect(refusal { try client.sealBatch(BatchSealing(batchId: "B999999", householdChunks: 0, loanChunks: 0, inputErrors: 0)) } == "unknown_batch")
        #expect(try client.batchStatus(batch.id).status.chunks.households == 2)
    }

    /// WAIT answers each distinct job once, refuses more than `maxWaitIds` ids, and a
    /// client peer may keep only `WaitList.maxPerPeer` WAITs pending. A WAIT of a million
    /// copies of one id used to read that job's result a million times (a 215 MB reply).
    @Test func waitIdsAreDistinctAndCapped() throws {
        let sandbox = try Sandbox("waits")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        _ = try sandbox.startWorker("w1", connect: dispatcher.workerEndpoint)
        let client = try DispatcherClient(endpoint: dispatcher.clientEndpoint, timeout: .seconds(30))
        guard case .accepted(let done) = try client.call(.submit([JobSpec(kind: "system.echo", payload: Array(#"{"a":1}"#.utf8))])),
              case .accepted(let stuck) = try client.call(.submit([JobSpec(kind: "household.review", payload: Array("{}".utf8))]))
        else { throw HarnessError("expected ACCEPTED") }
        let id = done[0].jobId
        _ = try client.wait(for: [id])
        let copies = Array(repeating: id, count: ClientProtocol.maxWaitIds)
        guard case .waitDone(let documents) = try client.call(.wait(copies)) else { throw HarnessError("expected WAIT-DONE") }
        #expect(documents.count == 1)
        #expect(try JSON.object(documents[0])["state"] as? String == "completed")
        #expect(refusal { try client.call(.wait(copies + [id])) } == "too_large")

        // Nobody serves household.review: these waits stay pending.
        let waiter = try DispatcherClient(endpoint: dispatcher.clientEndpoint)
        let pending = try (0..<16).map { _ in try waiter.send(.wait([stuck[0].jobId, id])) }
        let refused = try waiter.send(.wait([stuck[0].jobId]))
        let reply = try #require(try waiter.receive())
        #expect(reply.requestId == refused && !pending.contains(reply.requestId))
        if case .error(let code, _) = reply.body { #expect(code == "too_many_waits") } else { Issue.record("expected ERROR, got \(reply.body)") }
        // Another peer still may wait.
        guard case .waitDone = try client.call(.wait([id])) else { throw HarnessError("expected WAIT-DONE") }
    }

    /// READY may announce at most `maxKindsPerWorker` kinds, and no announcement takes the
    /// accepted kinds past the dispatcher's cap. 100,000 kinds used to cost 25 s of
    /// quadratic work on the dispatcher thread and stay in every STATUS reply for good.
    @Test func announcedKindsAreCappedPerWorkerAndInTotal() throws {
        let sandbox = try Sandbox("kinds")
        defer { sandbox.close() }
        // The raw peers send no heartbeats: a long liveness keeps them registered.
        let dispatcher = try sandbox.startDispatcher(liveness: 300)
        func ready(_ peer: RawPeer, _ kinds: [String]) throws {
            try peer.send(WorkerMessage.ready(name: "raw", kinds: kinds, credit: 1).encode())
        }
        func error(on peer: RawPeer) throws -> String? {
            while true {
                let frames = try peer.receive("ERROR")
                switch try WorkerMessage.decode(frames.dropFirst()) {
                case .error(let code, _): return code
                case .heartbeat: continue
                default: return nil
                }
            }
        }
        let greedy = try RawPeer(.dealer, connect: dispatcher.workerEndpoint)
        try ready(greedy, (0...WorkerProtocol.maxKindsPerWorker).map { "greedy.\($0)" })
        #expect(try error(on: greedy) == "too_many_kinds")

        let perWorker = WorkerProtocol.maxKindsPerWorker
        let peers = try (0..<(1024 / perWorker)).map { index in
            let peer = try RawPeer(.dealer, connect: dispatcher.workerEndpoint)
            try ready(peer, (0..<perWorker).map { "k\(index).\($0)" })
            return peer
        }
        try sandbox.eventually("every worker to register") { () -> Bool? in
            Status.workers(try sandbox.status(dispatcher.clientEndpoint)).count == peers.count ? true : nil
        }
        let late = try RawPeer(.dealer, connect: dispatcher.workerEndpoint)
        try ready(late, ["one.more"])
        #expect(try error(on: late) == "too_many_kinds")
        // Kinds already accepted are still served by newcomers.
        let known = try RawPeer(.dealer, connect: dispatcher.workerEndpoint)
        try ready(known, ["k0.0"])
        try sandbox.eventually("a worker of an accepted kind to register") { () -> Bool? in
            Status.workers(try sandbox.status(dispatcher.clientEndpoint)).count == peers.count + 1 ? true : nil
        }
        #expect(Status.queue(try sandbox.status(dispatcher.clientEndpoint), "greedy.0").isEmpty)
    }
}

/// The code of the error reply `call` got, or nil when it was not refused.
func refusal(_ call: () throws -> Any) -> String? {
    do {
        _ = try call()
        return nil
    } catch ClientError.refused(let code, _) {
        return code
    } catch {
        return "\(error)"
    }
}
