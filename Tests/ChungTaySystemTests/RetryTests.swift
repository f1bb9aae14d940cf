import Foundation
import Testing

extension SystemTests {
    /// A task that keeps failing is retried up to --max-attempts, then dead-lettered;
    /// `dead-letters retry` requeues it and it completes; `submit --wait` on a dying job exits 1.
    @Test func failingTaskIsRetriedThenDeadLetteredThenRequeued() throws {
        let sandbox = try Sandbox("deadletter")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher(extra: ["--max-attempts", "3"])
        let client = dispatcher.clientEndpoint
        let worker = FakeNativeWorker(endpoint: dispatcher.workerEndpoint, name: "fake-failer", kind: "test.fail")
        worker.start()
        defer { worker.stop() }
        try sandbox.waitForWorker("fake-failer", kind: "test.fail", endpoint: client)

        let payload = try sandbox.writeFile("payload.txt", "doomed")
        let submitted = try sandbox.cli(["submit", "test.fail", payload.path, "--connect", client, "--timeout", "20"])
        #expect(submitted.status == 0, "\(submitted)")
        let id = try #require(try jobIds(submitted).first, "\(submitted)")

        let dead = try sandbox.eventually("job \(id) to be dead") { () -> CommandResult? in
            let shown = try sandbox.cli(["job", String(id), "--connect", client, "--timeout", "20"])
            return try shown.json()["state"] as? String == "dead" ? shown : nil
        }
        #expect(dead.status == 1, "a dead job exits 1: \(dead)")
        let job = try dead.json()
        #expect(job["attempts"] as? Int == 3, "\(job)")
        let error = job["error"] as? [String: Any]
        #expect(error?["code"] as? String == "boom", "\(job)")
        #expect(job["result"] is NSNull, "\(job)")
        #expect(worker.attempts(of: id) == [1, 2, 3], "the dispatcher numbers attempts 1, 2, 3: \(worker.attempts(of: id))")

        let list = try sandbox.cli(["dead-letters", "list", "--connect", client, "--timeout", "20"])
        #expect(list.status == 0, "\(list)")
        let letters = try JSON.array(list.stdout)
        #expect(letters.map { $0["id"] as? String } == [String(id)], "\(list)")
        #expect(letters.first?["state"] as? String == "dead")

        let status = try sandbox.cli(["status", "--json", "--connect", client, "--timeout", "20"])
        let report = try status.json()
        #expect((report["deadLetters"] as? Int ?? 0) >= 1, "\(status)")
        #expect(Status.queue(report, "test.fail")["dead"] == 1, "\(status)")
        let human = try sandbox.cli(["status", "--connect", client, "--timeout", "20"])
        #expect(human.stdout.contains("dead letters: 1"), "\(human)")

        // No document was stored for a task that never succeeded.
        #expect(sandbox.storeDocuments(kind: "test.fail").isEmpty)

        // Requeue: the worker now succeeds, and the job completes with fresh attempts.
        worker.setBehaviour(.succeed)
        let retried = try sandbox.cli(["dead-letters", "retry", "--connect", client, "--timeout", "20"])
        #expect(retried.status == 0, "\(retried)")
        #expect(retried.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "requeued 1", "\(retried)")
        let completed = try sandbox.eventually("job \(id) to complete after the retry") { () -> [String: Any]? in
            let document = try sandbox.cli(["job", String(id), "--connect", client, "--timeout", "20"]).json()
            return document["state"] as? String == "completed" ? document : nil
        }
        #expect(completed["attempts"] as? Int == 1, "\(completed)")
        #expect((completed["result"] as? [String: Any])?["result"] as? String == "recovered", "\(completed)")
        #expect(sandbox.storeDocuments(kind: "test.fail").compactMap(taskId) == [id])
        let after = try sandbox.status(client)
        #expect(after["deadLetters"] as? Int == 0, "\(after)")
        let emptyList = try sandbox.cli(["dead-letters", "list", "--connect", client, "--timeout", "20"])
        #expect(try JSON.array(emptyList.stdout).isEmpty, "\(emptyList)")
        let nothingToRetry = try sandbox.cli(["dead-letters", "retry", "--connect", client, "--timeout", "20"])
        #expect(nothingToRetry.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "requeued 0", "\(nothingToRetry)")

        // submit --wait on a job that dies: its document is printed and the exit status is 1.
        worker.setBehaviour(.fail)
        let doomed = try sandbox.cli(["submit", "test.fail", payload.path, "--wait", "--connect", client, "--timeout", "20"])
        #expect(doomed.status == 1, "\(doomed)")
        let doomedJob = try doomed.json()
        #expect(doomedJob["state"] as? String == "dead", "\(doomed)")
        #expect(doomedJob["attempts"] as? Int == 3, "\(doomed)")
        #expect(worker.log.isEmpty, "fake worker notes: \(worker.log)")
    }
}
