import Foundation
import Testing

extension SystemTests {
    /// One worker with four executors sharing its in-process hand-off (`ExecutorHandoff`)
    /// and a prefetch larger than they can hold at once: every job completes once on the first
    /// attempt, each document is stored once, and the figures the executors count reach the
    /// worker's heartbeat. A lost wake-up or a result handed back twice would show here.
    @Test func executorsSharingOneWorkerRunEveryTaskOnceAndCountIt() throws {
        let sandbox = try Sandbox("executors")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let client = dispatcher.clientEndpoint
        _ = try sandbox.startWorker("quad", connect: dispatcher.workerEndpoint, concurrency: 4, extra: ["--prefetch", "600"])
        try sandbox.waitForWorker("quad", endpoint: client)

        let count = 3000
        let lines = try sandbox.writeFile("jobs.txt", numberedLines(count))
        let submitted = try sandbox.cli(["submit", "system.echo", lines.path, "--lines", "--connect", client, "--timeout", "30"])
        #expect(submitted.status == 0, "\(submitted)")
        let ids = try jobIds(submitted)
        try #require(ids.count == count, "\(submitted.stderr)")
        try sandbox.waitForCompleted(count, kind: "system.echo", endpoint: client)

        let jobs = try expectEveryJobCompletedOnce(ids, sandbox: sandbox, endpoint: client)
        #expect(jobs.allSatisfy { $0["attempts"] as? Int == 1 }, "\(jobs.filter { $0["attempts"] as? Int != 1 }.prefix(3))")
        let stored = sandbox.storeDocuments(kind: "system.echo")
        #expect(stored.count == count)
        #expect(Set(stored.compactMap { ($0["result"] as? [String: Any])?["line"] as? Int }) == Set(1...count))
        #expect(stored.allSatisfy { $0["worker"] as? String == "quad" })
        // The executors' figures arrive with a heartbeat after the last task.
        _ = try sandbox.eventually("the worker to report \(count) tasks done") { () -> Int? in
            let done = Status.worker(try sandbox.status(client), named: "quad")?["done"] as? Int ?? 0
            return done == count ? done : nil
        }
    }
}
