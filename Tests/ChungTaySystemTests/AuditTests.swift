#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing

extension Sandbox {
    var auditTrail: URL { dataDir.appendingPathComponent("audit.jsonl") }

    /// `chungtay audit --json` with `arguments`, each output line as an object.
    func auditEntries(_ arguments: [String] = []) throws -> [[String: Any]] {
        let result = try cli(["audit", "--data-dir", dataDir.path, "--json"] + arguments)
        #expect(result.status == 0, "\(result)")
        return try result.lines.map { try JSON.object($0) }
    }
}

extension SystemTests {
    /// A batch on two workers: the audit trail names the worker of every task the stores
    /// hold, who opened, sealed and submitted it, the export and the look-up; `--since`
    /// keeps what it says; the file is 0600 and holds no citizen ID, phone or name.
    @Test func auditTrailListsEveryTaskOfABatchWithItsWorker() throws {
        let sandbox = try Sandbox("audit")
        defer { sandbox.close() }
        let input = try sandbox.demoData(households: 300, seed: 21, badRate: 0.05)
        let dispatcher = try sandbox.startDispatcher()
        for name in ["A", "B"] { _ = try sandbox.startWorker(name, connect: dispatcher.workerEndpoint, kinds: pipelineKinds) }
        let households = input.appendingPathComponent("households.jsonl")
        let submitted = try sandbox.cli([
            "batch", "submit", "--households", households.path, "--loans", input.appendingPathComponent("loans.jsonl").path,
            "--as-of", "2026-11-27", "--name", "audited", "--wait", "--chunk-size", "20", "--connect", dispatcher.clientEndpoint,
        ], timeout: .seconds(180))
        #expect(submitted.status == 0, "\(submitted)")
        let id = try #require(batchId(submitted), "\(submitted)")
        // The trail has the completion by the time `--wait` returns.
        let completed = try sandbox.auditEntries(["--batch", id]).filter { $0["event"] as? String == "batch.completed" }
        #expect(completed.count == 1, "\(completed)")
        let code = try #require(try jsonLines(households).compactMap { $0.record["householdCode"] as? String }.first)
        let shown = try sandbox.cli(["results", "show", code, "--connect", dispatcher.clientEndpoint])
        #expect(shown.status == 0, "\(shown)")
        let exported = try sandbox.cli(["batch", "export", id, "--out", sandbox.root.appendingPathComponent("export").path,
                                        "--connect", dispatcher.clientEndpoint])
        #expect(exported.status == 0, "\(exported)")

        // Every task with a stored document, and its worker, as the stores say.
        var stored: [Int: String] = [:]
        for kind in ["household.review", "loan.status", "notify.emit"] {
            for document in sandbox.batchDocuments(kind, batch: id) {
                // A batch document's taskId is TASK.ITEM.
                let task = try #require((document["taskId"] as? String)?.split(separator: ".").first.flatMap { Int($0) }, "\(document)")
                stored[task] = document["worker"] as? String
            }
        }
        #expect(!stored.isEmpty)
        let entries = try sandbox.auditEntries(["--batch", id])
        #expect(entries.allSatisfy { $0["batch"] as? String == id })
        var audited: [Int: String] = [:]
        for entry in entries where entry["event"] as? String == "tasks.completed" {
            for task in entry["tasks"] as? [Int] ?? [] {
                #expect(audited[task] == nil, "task \(task) completed twice in the audit trail")
                audited[task] = entry["worker"] as? String
            }
        }
        // A task whose result has no documents (a chunk without notifications) is in the trail only.
        for (task, worker) in stored { #expect(audited[task] == worker, "task \(task)") }
        #expect(Set(audited.values).isSubset(of: ["A", "B"]))
        let batch = try sandbox.batchStatus(id, endpoint: dispatcher.clientEndpoint)
        #expect(audited.count == batch.jobs.completed)

        let events = entries.compactMap { $0["event"] as? String }
        for event in ["batch.opened", "batch.sealed", "batch.completed", "jobs.submitted", "batch.exported"] {
            #expect(events.contains(event), "no \(event) in \(events)")
        }
        for entry in entries where ["batch.opened", "batch.sealed", "jobs.submitted"].contains(entry["event"] as? String) {
            let client = try #require(entry["client"] as? [String: Any], "\(entry)")
            #expect(client["address"] as? String == "127.0.0.1")
            #expect((client["routingId"] as? String)?.isEmpty == false)
        }
        let opened = try #require(entries.first { $0["event"] as? String == "batch.opened" })
        #expect((opened["submittedBy"] as? String)?.isEmpty == false)
        let export = try #require(entries.first { $0["event"] as? String == "batch.exported" })
        #expect((export["user"] as? String)?.isEmpty == false)

        let all = try sandbox.auditEntries()
        let lookup = try #require(all.first { $0["event"] as? String == "results.lookedUp" })
        #expect((lookup["keyHash"] as? String)?.count == 16)
        #expect((lookup["user"] as? String)?.isEmpty == false)
        #expect(all.allSatisfy { $0["time"] is String && $0["event"] is String })

        // --since keeps exactly the entries at or after the time given.
        let sealedAt = try #require(entries.first { $0["event"] as? String == "batch.sealed" }?["time"] as? String)
        let since = try sandbox.auditEntries(["--since", sealedAt])
        let expected = all.filter { ($0["time"] as? String ?? "") >= sealedAt }
        #expect(since.count == expected.count)
        #expect(since.count < all.count)
        #expect(try sandbox.auditEntries(["--since", "2999-01-01"]).isEmpty)
        let text = try sandbox.cli(["audit", "--data-dir", sandbox.dataDir.path, "--batch", id])
        #expect(text.status == 0 && text.lines.count == entries.count, "\(text)")

        // Mode 0600, and no personal data: no citizen ID, phone, name or household code of the input.
        var status = stat()
        #expect(stat(sandbox.auditTrail.path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        let trail = try String(contentsOf: sandbox.auditTrail, encoding: .utf8)
        for (_, record) in try jsonLines(households) {
            for field in ["citizenId", "phone", "headName", "householdCode"] {
                guard let value = record[field] as? String, value.count >= 6 else { continue }
                #expect(!trail.contains(value), "the audit trail holds a \(field)")
            }
        }
    }

    /// A torn last line (a writer killed mid-write) is skipped and counted; the next
    /// writer ends it, so the lines after it are whole; a kill -9 leaves every other line whole.
    @Test func auditTrailSurvivesKillsAndTornLines() throws {
        let sandbox = try Sandbox("audit-kill")
        defer { sandbox.close() }
        let payloads = try sandbox.writeFile("jobs.txt", (1...300).map { "{\"n\":\($0)}" }.joined(separator: "\n") + "\n")
        let first = try sandbox.startDispatcher()
        _ = try sandbox.startWorker("A", connect: first.workerEndpoint)
        let submitted = try sandbox.cli(["submit", "--lines", "system.echo", payloads.path, "--connect", first.clientEndpoint])
        #expect(submitted.status == 0, "\(submitted)")
        first.process.signal(SIGKILL)
        first.process.waitForExit(timeout: .seconds(10))
        let beforeTear = try sandbox.auditEntries()
        #expect(beforeTear.contains { $0["event"] as? String == "jobs.submitted" })

        let handle = try FileHandle(forWritingTo: sandbox.auditTrail)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"time":"2026-12-04T00:00:00.000Z","event":"tasks.comp"#.utf8))
        try handle.close()
        let torn = try sandbox.cli(["audit", "--data-dir", sandbox.dataDir.path, "--json"])
        #expect(torn.status == 0)
        #expect(torn.lines.count == beforeTear.count)
        #expect(torn.stderr.contains("skipped 1 torn line"), "\(torn)")

        let second = try sandbox.startDispatcher()
        _ = try sandbox.startWorker("B", connect: second.workerEndpoint)
        let again = try sandbox.cli(["submit", "--lines", "--wait", "system.echo", payloads.path, "--connect", second.clientEndpoint])
        #expect(again.status == 0, "\(again)")
        // The first dispatcher's jobs run again after its kill: wait for all 600.
        try sandbox.waitForCompleted(600, kind: "system.echo", endpoint: second.clientEndpoint)
        let after = try sandbox.cli(["audit", "--data-dir", sandbox.dataDir.path, "--json"])
        #expect(after.status == 0)
        #expect(after.stderr.contains("skipped 1 torn line"), "\(after)")
        let entries = try after.lines.map { try JSON.object($0) }
        #expect(entries.count > beforeTear.count)
        // Every acknowledged job is in the trail, even those acknowledged just before the
        // kill; each ran to completion on a worker, and the trail says which.
        let completed = entries.filter { $0["event"] as? String == "tasks.completed" }.flatMap { $0["tasks"] as? [Int] ?? [] }
        let submittedJobs = entries.filter { $0["event"] as? String == "jobs.submitted" }.flatMap { $0["jobs"] as? [Int] ?? [] }
        let firstRun = Set(submitted.lines.compactMap { Int($0) })
        let secondRun = Set(again.lines.compactMap { (try? JSON.object($0))?["taskId"] as? String }.compactMap { Int($0) })
        #expect(firstRun.count == 300 && secondRun.count == 300)
        #expect(Set(submittedJobs) == firstRun.union(secondRun))
        #expect(Set(completed).isSubset(of: Set(submittedJobs)))
        #expect(secondRun.isSubset(of: Set(completed)))
    }
}

extension SystemTests {
    /// Failed attempts, the dead letter and its retry are in the trail with the worker and
    /// the client that asked for the retry.
    @Test func auditTrailRecordsFailuresDeadLettersAndTheirRetry() throws {
        let sandbox = try Sandbox("audit-dead")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher(extra: ["--max-attempts", "2"])
        let client = dispatcher.clientEndpoint
        let worker = FakeNativeWorker(endpoint: dispatcher.workerEndpoint, name: "fake-failer", kind: "test.fail")
        worker.start()
        defer { worker.stop() }
        try sandbox.waitForWorker("fake-failer", kind: "test.fail", endpoint: client)
        let payload = try sandbox.writeFile("payload.txt", "doomed")
        let submitted = try sandbox.cli(["submit", "test.fail", payload.path, "--connect", client, "--timeout", "20"])
        let id = Int(try #require(try jobIds(submitted).first, "\(submitted)"))
        _ = try sandbox.eventually("job \(id) to be dead") { () -> Bool? in
            try sandbox.cli(["job", String(id), "--connect", client, "--timeout", "20"]).json()["state"] as? String == "dead" ? true : nil
        }
        worker.setBehaviour(.succeed)
        let retried = try sandbox.cli(["dead-letters", "retry", "--connect", client, "--timeout", "20"])
        #expect(retried.status == 0, "\(retried)")
        try sandbox.waitForCompleted(1, kind: "test.fail", endpoint: client)

        let entries = try sandbox.auditEntries()
        func tasks(_ event: String) -> [[String: Any]] {
            entries.filter { $0["event"] as? String == event && ($0["tasks"] as? [Int] ?? $0["jobs"] as? [Int] ?? []).contains(id) }
        }
        #expect(tasks("tasks.failed").count == 1)
        let dead = try #require(tasks("tasks.deadLettered").first, "\(entries)")
        #expect(dead["worker"] as? String == "fake-failer")
        #expect(dead["code"] as? String == "boom")
        let retry = try #require(tasks("deadLetters.retried").first, "\(entries)")
        #expect((retry["client"] as? [String: Any])?["address"] as? String == "127.0.0.1")
        #expect(tasks("tasks.completed").first?["worker"] as? String == "fake-failer")
    }
}
