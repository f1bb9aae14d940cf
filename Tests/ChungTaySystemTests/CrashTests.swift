#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing

/// The checks every crash and shutdown test ends with: each job completed, its result is
/// its own payload (line N of `numberedLines`), and the store holds exactly one document per job id.
@discardableResult
func expectEveryJobCompletedOnce(_ ids: [UInt64], sandbox: Sandbox, endpoint: String) throws -> [[String: Any]] {
    let jobs = try sandbox.finishedJobs(ids, endpoint: endpoint)
    let unfinished = zip(ids, jobs).filter { $0.1["state"] as? String != "completed" }
    #expect(unfinished.count == 0, "jobs not completed: \(unfinished.prefix(5).map { "\($0.0): \($0.1)" })")

    let stored = sandbox.storeDocuments(kind: "system.echo")
    let storedIds = stored.compactMap(taskId)
    #expect(stored.count == ids.count, "expected \(ids.count) documents in the store, found \(stored.count)")
    #expect(storedIds.count == stored.count, "documents without a taskId")
    let duplicates = Dictionary(grouping: storedIds, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
    #expect(duplicates.count == 0, "task ids stored more than once: \(duplicates.prefix(20))")
    let missing = Set(ids).subtracting(storedIds).sorted()
    let extra = Set(storedIds).subtracting(ids).sorted()
    #expect(missing.count == 0, "submitted ids without a document: \(missing.prefix(20))")
    #expect(extra.count == 0, "documents for ids never submitted: \(extra.prefix(20))")

    // Line N of the payload file was job ids[N-1]; its echo must be that line.
    let byId = Dictionary(stored.compactMap { document in taskId(document).map { ($0, document) } }, uniquingKeysWith: { first, _ in first })
    var mismatched: [UInt64] = []
    for (index, id) in ids.enumerated() {
        let expected = ["line": index + 1] as [String: Any]
        if !JSON.equal(byId[id]?["result"], expected) { mismatched.append(id) }
    }
    #expect(mismatched.count == 0, "results that are not their job's payload: \(mismatched.prefix(20))")
    return jobs
}

extension SystemTests {
    /// kill -9 of a worker holding tasks: they complete on another worker, one document each.
    @Test func killedWorkersTasksCompleteOnAnotherWorker() throws {
        let sandbox = try Sandbox("killworker")
        defer { sandbox.close() }
        // A worker silent for 5 s is dead (the harness's liveness): the frozen worker below is
        // still registered when the jobs arrive, and after the kill it is found dead.
        let dispatcher = try sandbox.startDispatcher()
        let client = dispatcher.clientEndpoint
        let workerA = try sandbox.startWorker("A", connect: dispatcher.workerEndpoint)
        try sandbox.waitForWorker("A", endpoint: client)

        // Frozen, A takes its full credit of tasks and cannot finish any: it is certainly holding tasks when killed.
        workerA.signal(SIGSTOP)
        let lines = try sandbox.writeFile("jobs.txt", numberedLines(200))
        let submitted = try sandbox.cli(["submit", "system.echo", lines.path, "--lines", "--connect", client, "--timeout", "20"])
        #expect(submitted.status == 0, "\(submitted)")
        let ids = try jobIds(submitted)
        try #require(ids.count == 200, "\(submitted)")
        #expect(Set(ids).count == 200)

        let held = try sandbox.eventually("worker A to hold tasks") { () -> Int? in
            let inFlight = Status.worker(try sandbox.status(client), named: "A")?["inFlight"] as? Int ?? 0
            return inFlight > 0 ? inFlight : nil
        }
        workerA.signal(SIGKILL)
        #expect(workerA.waitForExit(timeout: .seconds(10)))
        #expect(workerA.exitStatus == nil, "A was killed by a signal: \(workerA.exitDescription)")

        _ = try sandbox.startWorker("B", connect: dispatcher.workerEndpoint)
        try sandbox.waitForCompleted(200, kind: "system.echo", endpoint: client)
        let status = try sandbox.status(client)
        #expect(Status.worker(status, named: "A") == nil, "the dead worker is no longer registered: \(status)")
        #expect(Status.lostWorkers(status).map { $0["name"] as? String } == ["A"], "it is listed as lost: \(status)")
        #expect(Status.queue(status, "system.echo")["completed"] == 200, "\(status)")

        let jobs = try expectEveryJobCompletedOnce(ids, sandbox: sandbox, endpoint: client)
        // A's death counted as an attempt for exactly the tasks it held.
        let secondAttempts = jobs.filter { $0["attempts"] as? Int == 2 }.count
        #expect(secondAttempts == held, "A held \(held) tasks; \(secondAttempts) jobs took 2 attempts")
        #expect(jobs.allSatisfy { ($0["attempts"] as? Int).map { $0 == 1 || $0 == 2 } ?? false })
        let workers = Set(sandbox.storeDocuments(kind: "system.echo").compactMap { $0["worker"] as? String })
        #expect(workers == ["B"], "only B ever finished a task: \(workers)")
    }

    /// kill -9 of the dispatcher with accepted jobs queued and in flight: after a restart on the
    /// same endpoints and data directory every job completes, none twice in the store.
    @Test func killedDispatcherRestartsAndCompletesEveryAcceptedJobOnce() throws {
        let sandbox = try Sandbox("killdispatcher")
        defer { sandbox.close() }
        let first = try sandbox.startDispatcher(name: "dispatcher-1")
        let client = first.clientEndpoint
        let worker = try sandbox.startWorker("W", connect: first.workerEndpoint)
        try sandbox.waitForWorker("W", endpoint: client)

        // Submit with the worker frozen so the whole batch is accepted before anything runs.
        worker.signal(SIGSTOP)
        let lines = try sandbox.writeFile("jobs.txt", numberedLines(2000))
        let submit = ["submit", "system.echo", lines.path, "--lines", "--idempotency-key", "run1", "--connect", client, "--timeout", "30"]
        let submitted = try sandbox.cli(submit)
        #expect(submitted.status == 0, "\(submitted)")
        let ids = try jobIds(submitted)
        try #require(ids.count == 2000, "\(submitted.stdout.count) bytes of ids; \(submitted.stderr)")

        // Let a few complete, then freeze the worker again so jobs are in flight and queued at the kill.
        worker.signal(SIGCONT)
        _ = try sandbox.eventually("a few jobs to complete", interval: .milliseconds(5)) { () -> Bool? in
            (Status.queue(try sandbox.status(client), "system.echo")["completed"] ?? 0) >= 5 ? true : nil
        }
        worker.signal(SIGSTOP)
        let before = try sandbox.eventually("the frozen worker to hold tasks") { () -> [String: Int]? in
            let queue = Status.queue(try sandbox.status(client), "system.echo")
            return (queue["running"] ?? 0) > 0 || (queue["completed"] ?? 0) >= 2000 ? queue : nil
        }
        #expect((before["running"] ?? 0) > 0, "jobs in flight at the kill: \(before)")
        #expect((before["queued"] ?? 0) > 0, "jobs queued at the kill: \(before)")
        #expect((before["completed"] ?? 0) < 2000, "\(before)")

        first.process.signal(SIGKILL)
        #expect(first.process.waitForExit(timeout: .seconds(10)))

        let second = try sandbox.startDispatcher(
            name: "dispatcher-2", clientEndpoint: first.clientEndpoint, workerEndpoint: first.workerEndpoint)
        #expect(second.clientEndpoint == first.clientEndpoint)
        #expect(second.workerEndpoint == first.workerEndpoint)
        // The worker wakes up holding tasks of the dead dispatcher; their late results must not count twice.
        worker.signal(SIGCONT)

        // Resubmitting the same file with the same key is deduplicated: the same ids, in order.
        let resubmitted = try sandbox.cli(submit)
        #expect(resubmitted.status == 0, "\(resubmitted)")
        #expect(try jobIds(resubmitted) == ids, "resubmission returned other ids")

        try sandbox.waitForCompleted(2000, kind: "system.echo", endpoint: client, timeout: .seconds(120))
        let status = try sandbox.status(client)
        #expect(Status.queue(status, "system.echo")["completed"] == 2000, "\(status)")
        #expect(status["deadLetters"] as? Int == 0, "\(status)")
        let jobs = try expectEveryJobCompletedOnce(ids, sandbox: sandbox, endpoint: client)
        #expect(second.process.stderr.contains("recovered queued jobs"), "\(sandbox.logs())")
        // Only the dispatcher died: no task failed, so every job took exactly one (recorded) attempt.
        let retried = jobs.filter { $0["attempts"] as? Int != 1 }
        #expect(retried.count == 0, "jobs with more than one attempt: \(retried.prefix(5))\n\(sandbox.logs())")
    }

    /// The dispatcher stays down while the worker gives up on connections and opens new ones;
    /// after the restart the worker is registered once (no ghost of an abandoned connection
    /// takes tasks), and every job completes on its first recorded attempt.
    @Test func workerThatReconnectedRegistersOnceAfterDispatcherRestart() throws {
        let sandbox = try Sandbox("reconnect")
        defer { sandbox.close() }
        let first = try sandbox.startDispatcher(name: "dispatcher-1")
        let client = first.clientEndpoint
        let worker = try sandbox.startWorker("W", connect: first.workerEndpoint)
        try sandbox.waitForWorker("W", endpoint: client)

        worker.signal(SIGSTOP)
        let lines = try sandbox.writeFile("jobs.txt", numberedLines(1000))
        let submitted = try sandbox.cli(["submit", "system.echo", lines.path, "--lines", "--connect", client, "--timeout", "20"])
        let ids = try jobIds(submitted)
        try #require(ids.count == 1000, "\(submitted)")
        first.process.signal(SIGKILL)
        #expect(first.process.waitForExit(timeout: .seconds(10)))
        worker.signal(SIGCONT)

        // The worker hears nothing for 3 s, abandons its connection, backs off and opens another,
        // whose READY waits in its queue; 3 s later it gives that one up too. Restart right then,
        // while the second abandoned connection could still deliver its READY.
        try sandbox.eventually("the worker to give up on two connections", interval: .milliseconds(20)) { () -> Bool? in
            worker.stderr.components(separatedBy: "dispatcher silent; reconnecting").count - 1 >= 2 ? true : nil
        }
        let second = try sandbox.startDispatcher(
            name: "dispatcher-2", clientEndpoint: first.clientEndpoint, workerEndpoint: first.workerEndpoint)

        try sandbox.waitForCompleted(1000, kind: "system.echo", endpoint: client)
        let jobs = try expectEveryJobCompletedOnce(ids, sandbox: sandbox, endpoint: client)
        let retried = jobs.filter { $0["attempts"] as? Int != 1 }
        #expect(retried.count == 0, "jobs with more than one attempt: \(retried.prefix(5))\n\(sandbox.logs())")
        let workers = Status.workers(try sandbox.status(client))
        #expect(workers.count == 1, "\(workers)")
        #expect(!second.process.stderr.contains("worker gone"), "no registration of the worker went silent\n\(sandbox.logs())")
    }

    /// kill -9 of the dispatcher while `submit --lines` is still streaming batches: every id the
    /// client was given survives, resubmitting with the same key returns those same ids, and
    /// every job completes exactly once.
    @Test func killedDispatcherDuringSubmissionLosesNoAcknowledgedJob() throws {
        let sandbox = try Sandbox("killsubmit")
        defer { sandbox.close() }
        let first = try sandbox.startDispatcher(name: "dispatcher-1")
        let client = first.clientEndpoint
        _ = try sandbox.startWorker("W", connect: first.workerEndpoint)
        try sandbox.waitForWorker("W", endpoint: client)

        let count = 10_000
        let lines = try sandbox.writeFile("jobs.txt", numberedLines(count))
        let arguments = ["submit", "system.echo", lines.path, "--lines", "--idempotency-key", "run2", "--connect", client, "--timeout", "5"]
        let submitter = try sandbox.spawn("submit-1", arguments)
        // Once some batches are acknowledged, freeze the client so the kill lands mid-stream.
        try sandbox.eventually("the first acknowledgements", interval: .milliseconds(5)) { () -> Bool? in
            submitter.stdout.filter { $0 == "\n" }.count >= 512 || !submitter.isRunning ? true : nil
        }
        submitter.signal(SIGSTOP)
        first.process.signal(SIGKILL)
        #expect(first.process.waitForExit(timeout: .seconds(10)))
        submitter.signal(SIGCONT)
        #expect(submitter.waitForExit(timeout: .seconds(60)), "the submitter gives up after its timeout")
        #expect(submitter.exitStatus == 0 || submitter.exitStatus == 3, "submit: \(submitter.exitDescription)\n\(submitter.stderr)")
        let acknowledged = submitter.stdout.split(separator: "\n").compactMap { UInt64($0) }
        #expect(acknowledged.count >= 512)

        let second = try sandbox.startDispatcher(name: "dispatcher-2", clientEndpoint: first.clientEndpoint, workerEndpoint: first.workerEndpoint)
        let resubmitted = try sandbox.cli(Array(arguments.dropLast()) + ["30"])
        #expect(resubmitted.status == 0, "\(resubmitted)")
        let ids = try jobIds(resubmitted)
        try #require(ids.count == count, "\(resubmitted.stderr)")
        #expect(Array(ids.prefix(acknowledged.count)) == acknowledged, "ids acknowledged before the crash changed after it")
        #expect(Set(ids).count == count)

        try sandbox.waitForCompleted(count, kind: "system.echo", endpoint: second.clientEndpoint, timeout: .seconds(150))
        let jobs = try expectEveryJobCompletedOnce(ids, sandbox: sandbox, endpoint: client)
        let retried = jobs.filter { $0["attempts"] as? Int != 1 }
        #expect(retried.count == 0, "jobs with more than one attempt: \(retried.prefix(5))\n\(sandbox.logs())")
    }
}
