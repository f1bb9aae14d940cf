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
    /// `batch submit --wait` follows its batch with BATCH-STATUS long-polls. The dispatcher
    /// is killed (-9) under a pending long-poll and restarted on the same endpoints: the CLI
    /// asks again, and ends with the summary and the batch id once the batch completes.
    @Test func batchSubmitWaitFollowsItsBatchAcrossADispatcherRestart() throws {
        let sandbox = try Sandbox("batchfollow")
        defer { sandbox.close() }
        let input = try sandbox.demoData(households: 200, seed: 21, badRate: 0)
        let first = try sandbox.startDispatcher()
        // No workers yet: the batch is sealed and stays running while the CLI follows it.
        let follower = try sandbox.spawn("submit", [
            "batch", "submit", "--households", input.appendingPathComponent("households.csv").path,
            "--loans", input.appendingPathComponent("loans.csv").path, "--as-of", "2026-11-27", "--name", "followed",
            "--chunk-size", "20", "--connect", first.clientEndpoint, "--wait",
        ])
        try sandbox.eventually("the batch sealed and followed") { () -> Bool? in
            (try? sandbox.batchStatus("followed", endpoint: first.clientEndpoint)).map { $0.state == "running" ? true : nil } ?? nil
        }
        first.process.signal(SIGKILL)
        #expect(first.process.waitForExit(timeout: .seconds(10)))
        let restarted = try sandbox.startDispatcher(
            name: "dispatcher-2", clientEndpoint: first.clientEndpoint, workerEndpoint: first.workerEndpoint)
        for name in ["A", "B"] { _ = try sandbox.startWorker(name, connect: restarted.workerEndpoint, kinds: pipelineKinds) }
        #expect(follower.waitForExit(timeout: .seconds(120)), "the CLI still follows: \(follower.stderr)")
        #expect(follower.exitStatus == 0, "\(follower.exitDescription): \(follower.stderr)")
        let id = try #require(follower.stdout.split(separator: "\n").last.map(String.init))
        let status = try sandbox.batchStatus(id, endpoint: restarted.clientEndpoint)
        #expect(status.isComplete && status.reviewed == 200)
    }
}
