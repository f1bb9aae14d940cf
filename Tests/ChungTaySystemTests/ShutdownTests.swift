#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing

extension SystemTests {
    /// SIGTERM to a worker holding tasks: it drains and exits 0, and every job still
    /// completes (on another worker), one document each.
    @Test func terminatedWorkerDrainsAndItsTasksCompleteElsewhere() throws {
        let sandbox = try Sandbox("termworker")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let client = dispatcher.clientEndpoint
        let workerA = try sandbox.startWorker("A", connect: dispatcher.workerEndpoint)
        try sandbox.waitForWorker("A", endpoint: client)

        // Frozen while the jobs arrive, A certainly holds tasks when SIGTERM reaches it.
        workerA.signal(SIGSTOP)
        let lines = try sandbox.writeFile("jobs.txt", numberedLines(1000))
        let submitted = try sandbox.cli(["submit", "system.echo", lines.path, "--lines", "--connect", client, "--timeout", "20"])
        #expect(submitted.status == 0, "\(submitted)")
        let ids = try jobIds(submitted)
        try #require(ids.count == 1000, "\(submitted.stderr)")
        _ = try sandbox.eventually("worker A to hold tasks") { () -> Int? in
            let inFlight = Status.worker(try sandbox.status(client), named: "A")?["inFlight"] as? Int ?? 0
            return inFlight > 0 ? inFlight : nil
        }
        workerA.signal(SIGTERM)
        workerA.signal(SIGCONT)
        guard workerA.waitForExit(timeout: .seconds(60)) else {
            Issue.record("worker A did not exit after SIGTERM\n\(sandbox.logs())")
            return
        }
        #expect(workerA.exitStatus == 0, "worker A: \(workerA.exitDescription)\n\(sandbox.logs())")
        #expect(workerA.stderr.contains("worker stopped"), "\(sandbox.logs())")
        // It said goodbye, so the dispatcher forgets it without waiting for heartbeats to lapse.
        try sandbox.eventually("worker A to leave the status") { () -> Bool? in
            Status.worker(try sandbox.status(client), named: "A") == nil ? true : nil
        }

        _ = try sandbox.startWorker("B", connect: dispatcher.workerEndpoint)
        try sandbox.waitForCompleted(1000, kind: "system.echo", endpoint: client)
        let jobs = try expectEveryJobCompletedOnce(ids, sandbox: sandbox, endpoint: client)
        // A left gracefully: handing tasks back is not a failed attempt.
        #expect(jobs.allSatisfy { $0["attempts"] as? Int == 1 }, "\(jobs.filter { $0["attempts"] as? Int != 1 }.prefix(3))")
        let stored = sandbox.storeDocuments(kind: "system.echo")
        let byWorker = Dictionary(grouping: stored, by: { $0["worker"] as? String ?? "?" }).mapValues(\.count)
        #expect(Set(byWorker.keys).isSubset(of: ["A", "B"]), "\(byWorker)")
        #expect((byWorker["B"] ?? 0) > 0, "B finished what A handed back: \(byWorker)")
    }

    /// SIGTERM to the dispatcher: it stops accepting, lets in-flight tasks finish, exits 0;
    /// after a restart the jobs still queued complete.
    @Test func terminatedDispatcherDrainsAndQueuedJobsCompleteAfterRestart() throws {
        let sandbox = try Sandbox("termdispatcher")
        defer { sandbox.close() }
        let extra = ["--drain-timeout-s", "60"]
        let first = try sandbox.startDispatcher(name: "dispatcher-1", extra: extra)
        let client = first.clientEndpoint
        let worker = try sandbox.startWorker("W", connect: first.workerEndpoint)
        try sandbox.waitForWorker("W", endpoint: client)

        worker.signal(SIGSTOP)
        let lines = try sandbox.writeFile("jobs.txt", numberedLines(500))
        let submitted = try sandbox.cli(["submit", "system.echo", lines.path, "--lines", "--connect", client, "--timeout", "20"])
        let ids = try jobIds(submitted)
        try #require(ids.count == 500, "\(submitted)")
        let inFlight = try sandbox.eventually("the frozen worker to hold tasks") { () -> Int? in
            let running = Status.queue(try sandbox.status(client), "system.echo")["running"] ?? 0
            return running > 0 ? running : nil
        }

        first.process.signal(SIGTERM)
        let draining = try sandbox.eventually("the dispatcher to drain") { () -> [String: Any]? in
            let status = try sandbox.status(client)
            return status["draining"] as? Bool == true ? status : nil
        }
        #expect(Status.queue(draining, "system.echo")["running"] == inFlight, "\(draining)")
        // While draining it refuses new jobs.
        let refused = try sandbox.cli(["submit", "system.echo", lines.path, "--connect", client, "--timeout", "20"])
        #expect(refused.status != 0, "\(refused)")
        #expect(refused.stderr.contains("shutting_down"), "\(refused)")

        // The in-flight tasks finish, then the dispatcher exits cleanly.
        worker.signal(SIGCONT)
        guard first.process.waitForExit(timeout: .seconds(60)) else {
            Issue.record("dispatcher did not exit after SIGTERM\n\(sandbox.logs())")
            return
        }
        #expect(first.process.exitStatus == 0, "dispatcher: \(first.process.exitDescription)\n\(sandbox.logs())")
        let doneBeforeRestart = Set(sandbox.storeDocuments(kind: "system.echo").compactMap(taskId))
        #expect(doneBeforeRestart.count == inFlight, "the in-flight tasks finished during the drain and nothing else ran")

        let second = try sandbox.startDispatcher(
            name: "dispatcher-2", clientEndpoint: first.clientEndpoint, workerEndpoint: first.workerEndpoint, extra: extra)
        try sandbox.waitForCompleted(500, kind: "system.echo", endpoint: client)
        #expect(second.process.stderr.contains("recovered queued jobs"), "\(sandbox.logs())")
        try expectEveryJobCompletedOnce(ids, sandbox: sandbox, endpoint: client)
        // The rest ran after the restart, via the worker reconnecting to the same endpoint.
        let status = try sandbox.status(client)
        #expect(Status.worker(status, named: "W") != nil, "\(status)")
    }
}
