import ChungTayWire
import Foundation
import Testing

/// The dispatcher's flow control, leases, retries, task timeout and batch completion, turn
/// by turn in process (``InProcessDispatcher``): every deadline passes because the test
/// moves the clock, and every "nothing more arrived" is checked right after a turn.
@Suite struct DispatcherTurnTests {
    /// Submits one job per payload, each in a SUBMIT of its own, in one turn; returns the ids in order.
    func submit(_ payloads: [[UInt8]], kind: String, batchId: String? = nil, counters: [Counter] = [],
                by client: TurnClient, in dispatcher: InProcessDispatcher) throws -> [UInt64] {
        let requests = try payloads.map { try client.send(.submit([JobSpec(kind: kind, payload: $0, batchId: batchId, counters: counters)])) }
        try dispatcher.turn()
        let replies = try client.replies()
        try #require(replies.map(\.requestId) == requests, "one ACCEPTED per SUBMIT: \(replies)")
        return try replies.map { reply in
            guard case .accepted(let receipts) = reply.body, receipts.count == 1 else { throw TurnTestError("not accepted: \(reply)") }
            return receipts[0].jobId
        }
    }

    /// Credit counts a worker's tasks; the byte window bounds their payloads. A worker that
    /// announces credit 100 gets only as many 100 kB tasks as fit in a 250 kB window, and one
    /// more for each it answers; the rest stay queued in the dispatcher.
    @Test func workerWindowBoundsThePayloadBytesAWorkerHolds() throws {
        let dispatcher = try InProcessDispatcher { $0.workerWindowBytes = 250_000 }
        let worker = try TurnWorker(dispatcher, name: "windowed", kinds: ["test.window"], credit: 100)
        let client = try TurnClient(dispatcher)
        try dispatcher.turn()
        let payload = Array(("\"" + String(repeating: "x", count: 99_998) + "\"").utf8)
        let ids = try submit(Array(repeating: payload, count: 5), kind: "test.window", by: client, in: dispatcher)

        let first = try worker.receivedTasks()
        #expect(first.map(\.taskId) == Array(ids.prefix(2)), "two 100 kB tasks fit in 250 kB, a third does not")

        var received = first
        for answered in 1...ids.count {
            let task = try #require(received.count >= answered ? received[answered - 1] : nil, "a task should have come after \(answered - 1) answers")
            try worker.succeed(task)
            try dispatcher.turn()
            received += try worker.receivedTasks()
            #expect(received.count - answered <= 2, "never more than two tasks held: \(received.map(\.taskId)), \(answered) answered")
            #expect(received.count == min(answered + 2, ids.count), "each answer makes room for exactly one more task")
        }
        #expect(received.map(\.taskId) == ids, "every task came, once, in order")
        #expect(try dispatcher.storedDocuments(kind: "test.window").count == 5)
    }

    /// Credit alone, with small payloads: a worker holds no more tasks than it announced.
    @Test func creditBoundsTheTasksAWorkerHolds() throws {
        let dispatcher = try InProcessDispatcher()
        let worker = try TurnWorker(dispatcher, name: "two", kinds: ["test.credit"], credit: 2)
        let client = try TurnClient(dispatcher)
        try dispatcher.turn()
        let ids = try submit(Array(repeating: Array("{}".utf8), count: 5), kind: "test.credit", by: client, in: dispatcher)
        #expect(try worker.receivedTasks().map(\.taskId) == Array(ids.prefix(2)))
        try dispatcher.turn()
        #expect(try worker.receivedTasks().isEmpty, "nothing more until a task is answered")
    }

    /// A short queue is dealt round the workers, one task each in turn, instead of filling the
    /// first worker's credit while the other idles: a small batch's two chunks run side by side.
    @Test func aShortQueueIsSpreadOverTheWorkersAndABacklogFillsEach() throws {
        let dispatcher = try InProcessDispatcher()
        let first = try TurnWorker(dispatcher, name: "first", kinds: ["test.deal"], credit: 4)
        let second = try TurnWorker(dispatcher, name: "second", kinds: ["test.deal"], credit: 4)
        let client = try TurnClient(dispatcher)
        try dispatcher.turn()
        let ids = try submit(Array(repeating: Array("{}".utf8), count: 2), kind: "test.deal", by: client, in: dispatcher)
        let dealt = [try first.receivedTasks().map(\.taskId), try second.receivedTasks().map(\.taskId)]
        #expect(dealt.map(\.count) == [1, 1], "one task each, not both to one worker: \(dealt)")
        #expect(Set(dealt.joined()) == Set(ids))

        let backlog = try submit(Array(repeating: Array("{}".utf8), count: 10), kind: "test.deal", by: client, in: dispatcher)
        let more = [try first.receivedTasks().map(\.taskId), try second.receivedTasks().map(\.taskId)]
        #expect(more.map(\.count) == [3, 3], "each worker filled to its credit of 4: \(more)")
        #expect(Set(more.joined()).isSubset(of: Set(backlog)))
    }

    /// A lease lasts as long as its worker: a worker silent for the heartbeat liveness (3 × 1 s)
    /// loses its task at that deadline, not a turn before, and another worker gets it as a new attempt.
    @Test func aSilentWorkersLeaseEndsAtTheLivenessDeadline() throws {
        let dispatcher = try InProcessDispatcher { $0.retryBaseDelay = .zero }
        let silent = try TurnWorker(dispatcher, name: "silent", kinds: ["test.lease"], credit: 1)
        try dispatcher.turn()
        let client = try TurnClient(dispatcher)
        let ids = try submit([Array("{}".utf8)], kind: "test.lease", by: client, in: dispatcher)
        let leased = try silent.receivedTasks()
        #expect(leased.map(\.taskId) == ids)
        #expect(leased.map(\.attempt) == [1])
        let standby = try TurnWorker(dispatcher, name: "standby", kinds: ["test.lease"], credit: 1)
        try dispatcher.turn()

        try dispatcher.advance(by: 3, beforeEachTurn: standby.heartbeat)
        #expect(try standby.receivedTasks().isEmpty, "at the deadline itself the silent worker still holds its lease")
        #expect(try client.job(ids[0], in: dispatcher)["state"] as? String == "running")

        try dispatcher.advance(by: 0.5, beforeEachTurn: standby.heartbeat)
        let retried = try standby.receivedTasks()
        #expect(retried.map(\.taskId) == ids, "past the deadline the task goes to the live worker")
        #expect(retried.map(\.attempt) == [2], "a worker that died holding a task counts an attempt")
        try standby.succeed(try #require(retried.first))
        try dispatcher.turn()
        let job = try client.job(ids[0], in: dispatcher)
        #expect(job["state"] as? String == "completed")
        #expect(job["attempts"] as? Int == 2)
    }

    /// Silence while the dispatcher itself was away (one turn took 6 s, or its process was
    /// stopped) is the dispatcher's, not its workers': their heartbeats may not even have
    /// reached it. The turn after the gap excuses every worker, and the lease stays put.
    @Test func silenceWhileTheDispatcherWasAwayIsExcused() throws {
        let dispatcher = try InProcessDispatcher { $0.retryBaseDelay = .zero }
        let worker = try TurnWorker(dispatcher, name: "patient", kinds: ["test.stall"], credit: 1)
        try dispatcher.turn()
        let client = try TurnClient(dispatcher)
        let ids = try submit([Array("{}".utf8)], kind: "test.stall", by: client, in: dispatcher)
        let leased = try worker.receivedTasks()
        #expect(leased.map(\.taskId) == ids)
        let standby = try TurnWorker(dispatcher, name: "standby", kinds: ["test.stall"], credit: 1)
        try dispatcher.turn()

        dispatcher.clock.advance(by: 6)
        try dispatcher.turn()
        #expect(try standby.receivedTasks().isEmpty, "twice the liveness passed, but while the dispatcher was away")
        #expect(try client.job(ids[0], in: dispatcher)["state"] as? String == "running")

        try dispatcher.advance(by: 2, beforeEachTurn: { try worker.heartbeat(); try standby.heartbeat() })
        try worker.succeed(try #require(leased.first))
        try dispatcher.turn()
        let job = try client.job(ids[0], in: dispatcher)
        #expect(job["state"] as? String == "completed")
        #expect(job["attempts"] as? Int == 1, "the lease was never taken away")
    }

    /// A lease older than the task timeout ends as a failed attempt (`task_timeout`) even while
    /// its worker heartbeats: the task runs again on a worker with a free slot, and the late
    /// answer of the first run is dropped, so the job keeps one document.
    @Test func aLeaseExpiresWhenTheClockPassesTheTaskTimeout() throws {
        let dispatcher = try InProcessDispatcher {
            $0.taskTimeout = .seconds(10)
            $0.retryBaseDelay = .zero
        }
        let slow = try TurnWorker(dispatcher, name: "slow", kinds: ["test.timeout"], credit: 1)
        let client = try TurnClient(dispatcher)
        try dispatcher.turn()
        let ids = try submit([Array("{}".utf8)], kind: "test.timeout", by: client, in: dispatcher)
        let first = try #require(try slow.receivedTasks().first)
        #expect(first.attempt == 1)
        let standby = try TurnWorker(dispatcher, name: "standby", kinds: ["test.timeout"], credit: 1)
        try dispatcher.turn()
        let heartbeats = {
            try slow.heartbeat()
            try standby.heartbeat()
        }

        try dispatcher.advance(by: 10, beforeEachTurn: heartbeats)
        #expect(try standby.receivedTasks().isEmpty, "within the timeout the lease holds")
        #expect(try client.job(ids[0], in: dispatcher)["state"] as? String == "running")

        try dispatcher.advance(by: 1, beforeEachTurn: heartbeats)
        let again = try standby.receivedTasks()
        #expect(again.map(\.taskId) == ids, "the timed-out task runs again")
        #expect(again.map(\.attempt) == [2])
        #expect(try slow.receivedTasks().isEmpty, "the overdue run keeps the slow worker's slot busy")

        try slow.succeed(first)
        try dispatcher.turn()
        #expect(try client.job(ids[0], in: dispatcher)["state"] as? String == "running", "the late answer is dropped")
        try standby.succeed(try #require(again.first))
        try dispatcher.turn()
        let job = try client.job(ids[0], in: dispatcher)
        #expect(job["state"] as? String == "completed")
        #expect(job["attempts"] as? Int == 2)
        #expect(try dispatcher.storedDocuments(kind: "test.timeout").count == 1)
    }

    /// A retryable failure waits out its backoff (between half the exponential cap and the
    /// cap: 1–2 s, then 2–4 s), and the last allowed attempt's failure makes a dead letter.
    @Test func failedTasksComeBackAfterTheirBackoffUntilTheyAreDead() throws {
        let dispatcher = try InProcessDispatcher {
            $0.maxAttempts = 3
            $0.retryBaseDelay = .seconds(2)
        }
        let worker = try TurnWorker(dispatcher, name: "failing", kinds: ["test.retry"], credit: 1)
        let client = try TurnClient(dispatcher)
        try dispatcher.turn()
        let ids = try submit([Array("{}".utf8)], kind: "test.retry", by: client, in: dispatcher)
        var task = try #require(try worker.receivedTasks().first)
        #expect(task.attempt == 1)

        for (attempt, cap) in [(2, 2.0), (3, 4.0)] {
            try worker.fail(task)
            try dispatcher.turn()
            #expect(try worker.receivedTasks().isEmpty, "no retry before the backoff")
            #expect(try client.job(ids[0], in: dispatcher)["state"] as? String == "retrying")
            try dispatcher.advance(by: cap / 2 - 0.1, beforeEachTurn: worker.heartbeat)
            #expect(try worker.receivedTasks().isEmpty, "no retry before half the cap")
            try dispatcher.advance(by: cap / 2 + 0.1, beforeEachTurn: worker.heartbeat)
            let retried = try worker.receivedTasks()
            #expect(retried.map(\.taskId) == ids, "back by the cap")
            #expect(retried.map(\.attempt) == [UInt16(attempt)])
            task = try #require(retried.first)
        }

        try worker.fail(task)
        try dispatcher.turn()
        let job = try client.job(ids[0], in: dispatcher)
        #expect(job["state"] as? String == "dead")
        #expect(job["attempts"] as? Int == 3)
        try dispatcher.advance(by: 60, beforeEachTurn: worker.heartbeat)
        #expect(try worker.receivedTasks().isEmpty, "a dead letter does not run again")
    }

    /// A sealed batch completes in the turn that stores its last job's result, with its
    /// summary document; before that, sealing leaves it running.
    @Test func aSealedBatchCompletesWithItsLastResult() throws {
        let dispatcher = try InProcessDispatcher()
        let worker = try TurnWorker(dispatcher, name: "batch", kinds: ["test.batch"], credit: 1)
        let client = try TurnClient(dispatcher)
        try dispatcher.turn()
        let opening = BatchOpening(name: "turns", asOf: "2026-01-31", whatIf: false, submittedBy: "tester", inputs: [])
        guard case .batchInfo(let opened) = try client.ask(.batchOpen(opening), in: dispatcher) else {
            throw TurnTestError("BATCH-OPEN not answered with BATCH-INFO")
        }
        let batchId = try #require(try jsonObject(opened)["id"] as? String)

        let ids = try submit([Array("{}".utf8)], kind: "test.batch", batchId: batchId,
                             counters: [Counter(name: "accepted/householdChunks", value: 1)], by: client, in: dispatcher)
        let task = try #require(try worker.receivedTasks().first)
        #expect(task.taskId == ids[0])
        #expect(task.batchId == batchId)

        let sealing = BatchSealing(batchId: batchId, householdChunks: 1, loanChunks: 0, inputErrors: 0)
        guard case .batchInfo(let sealed) = try client.ask(.batchSeal(sealing), in: dispatcher) else {
            throw TurnTestError("BATCH-SEAL not answered with BATCH-INFO")
        }
        #expect(try jsonObject(sealed)["state"] as? String == "running", "sealed with a job still running")
        #expect((try? dispatcher.storedDocuments(kind: "batch.summary")) == nil, "no summary before the last result")

        try worker.succeed(task)
        try dispatcher.turn()
        guard case .batchInfo(let finished) = try client.ask(.batchStatus(batchId), in: dispatcher) else {
            throw TurnTestError("BATCH-STATUS not answered with BATCH-INFO")
        }
        let status = try jsonObject(finished)
        #expect(status["state"] as? String == "complete")
        #expect((status["jobs"] as? [String: Any])?["completed"] as? Int == 1)
        #expect((status["audit"] as? [String: Any])?["workers"] as? [String] == ["batch"])
        let summaries = try dispatcher.storedDocuments(kind: "batch.summary")
        #expect(summaries.count == 1)
        #expect(summaries.first?["batchId"] as? String == batchId)
        #expect(summaries.first?["processedAt"] as? String == Timestamp.rfc3339(dispatcher.clock.date), "stamped with the dispatcher's clock")
    }
}
