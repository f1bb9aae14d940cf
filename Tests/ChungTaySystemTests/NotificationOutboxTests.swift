import ChungTayWire
import Foundation
import Testing

extension Sandbox {
    /// `chungtay notifications list --json` of the sandbox's data directory, one object per notification.
    func notificationList(batch: String? = nil, state: String? = nil) throws -> [[String: Any]] {
        let listed = try cli(["notifications", "list", "--data-dir", dataDir.path, "--json"]
            + (batch.map { ["--batch", $0] } ?? []) + (state.map { ["--state", $0] } ?? []))
        #expect(listed.status == 0, "\(listed)")
        return try listed.lines.map { try JSON.object($0) }
    }

    /// Waits until the dispatcher's outbox follower has put the recipients of every
    /// notification of `batch` in the delivery ledger. Exports and listings show each
    /// recipient's delivery state, so two of one batch agree only once it has.
    func waitUntilNotificationsFollowed(batch: String) throws {
        try eventually("recipients of every notification of \(batch) in the ledger") { () -> Bool? in
            try notificationList(batch: batch).allSatisfy { notification in
                notification["state"] as? String == "suppressed" || !(notification["recipients"] as? [Any] ?? []).isEmpty
            } ? true : nil
        }
    }
}

extension SystemTests {
    /// The same list reviewed twice under two batch names: the second batch stores its
    /// notifications (the stores keep every task's documents) but the outbox suppresses each
    /// one, naming the first, so each is delivered once; export and `results show` say so.
    @Test func reviewingTheSameListTwiceDeliversEachNotificationOnce() throws {
        let sandbox = try Sandbox("outboxtwice")
        defer { sandbox.close() }
        let input = try sandbox.demoData(households: 300, seed: 21, badRate: 0.02)
        let dispatcher = try sandbox.startDispatcher()
        _ = try sandbox.startWorker("A", connect: dispatcher.workerEndpoint, kinds: pipelineKinds)
        var ids: [String] = []
        for name in ["first", "second"] {
            let run = try sandbox.cli([
                "batch", "submit", "--households", input.appendingPathComponent("households.csv").path,
                "--loans", input.appendingPathComponent("loans.csv").path, "--as-of", "2026-11-27", "--name", name,
                "--connect", dispatcher.clientEndpoint, "--wait",
            ], timeout: .seconds(120))
            #expect(run.status == 0, "\(run)")
            ids.append(try #require(batchId(run)))
        }
        let first = try sandbox.notificationList(batch: ids[0])
        let second = try sandbox.notificationList(batch: "second")
        #expect(!first.isEmpty)
        #expect(first.count == sandbox.batchDocuments("notify.emit", batch: ids[0]).count)
        #expect(second.count == first.count)
        #expect(first.allSatisfy { $0["state"] as? String == "pending" && $0["suppressedBy"] is NSNull })
        #expect(second.allSatisfy { $0["state"] as? String == "suppressed" })
        // Each repeat names the first notification with its key.
        let firstByKey = Dictionary(first.map { ($0["dedupKey"] as? String ?? "", $0["outboxId"] as? Int ?? -1) }, uniquingKeysWith: min)
        for repeated in second {
            #expect(repeated["suppressedBy"] as? Int == firstByKey[repeated["dedupKey"] as? String ?? ""])
        }
        // Every notification's recipients reach the ledger, waiting for their channels.
        try sandbox.waitUntilNotificationsFollowed(batch: ids[0])
        #expect(try sandbox.notificationList(state: "suppressed").count == second.count)

        let export = try sandbox.cli(["batch", "export", ids[1], "--out", sandbox.root.appendingPathComponent("export").path,
                                      "--connect", dispatcher.clientEndpoint, "--data-dir", sandbox.dataDir.path])
        #expect(export.status == 0, "\(export)")
        let csv = try String(contentsOf: sandbox.root.appendingPathComponent("export/notifications.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\r\n").dropFirst()
        #expect(rows.count == second.count && rows.allSatisfy { $0.contains(",suppressed,") }, "\(rows.prefix(2))")

        let subject = try #require(second.first?["subject"] as? String)
        let household = subject.split(separator: "-").prefix(2).joined(separator: "-")
        let shown = try sandbox.cli(["results", "show", household, "--connect", dispatcher.clientEndpoint])
        let states = try shown.lines.map { try JSON.object($0) }.filter { $0["kind"] as? String == "notify.emit" }.map { $0["state"] as? String }
        #expect(states.contains("pending") && states.contains("suppressed"), "\(shown)")
    }
}

extension SystemTests {
    /// Only `notify.emit` makes notifications: a worker serving another kind cannot put
    /// documents into the outbox (to send SMS, or to suppress real notifications by their
    /// keys), and a `notify.emit` result without its outbox keys (an MDP or older worker)
    /// stores nothing: its attempts fail, as a dead letter in the end, never an
    /// undeliverable notification.
    @Test func onlyNotifyEmitResultsWithTheirKeysReachTheOutbox() throws {
        let sandbox = try Sandbox("outboxkinds")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher(extra: ["--max-attempts", "2"])
        let notification = Array(#"""
            {"type":"due_reminder","dedupKey":"due_reminder|L1|2026-12-05","recipients":[{"role":"borrower","id":"H1","channel":"sms","phone":"0912345678"}],"sms":"planted"}
            """#.utf8)
        let key = OutboxKey(dedupKey: "due_reminder|L1|2026-12-05", expiresOn: 20_800)

        let other = try RawBatchWorker(sandbox, dispatcher, batchName: "other")
        let otherJob = try other.submit(keys: ["planted"])
        let otherTask = try #require(try other.receiveTasks(1).first)
        try other.worker.send(WorkerMessage.results([TaskResult(taskId: otherTask, documents: [notification], isList: true, outbox: [key])]).encode())
        #expect(try sandbox.finishedJobs(otherJob, endpoint: dispatcher.clientEndpoint).first?["state"] as? String == "completed")
        #expect(try sandbox.notificationList().isEmpty, "a test.raw result's outbox keys are not taken")

        let emit = try RawBatchWorker(sandbox, dispatcher, batchName: "emit", kind: "notify.emit")
        let emitJob = try emit.submit(keys: ["keyless"])
        for _ in 0..<2 {
            let task = try #require(try emit.receiveTasks(1).first)
            try emit.worker.send(WorkerMessage.results([TaskResult(taskId: task, documents: [notification], isList: true)]).encode())
        }
        let finished = try #require(try sandbox.finishedJobs(emitJob, endpoint: dispatcher.clientEndpoint).first)
        #expect(finished["state"] as? String == "dead", "\(finished)")
        #expect((finished["error"] as? [String: Any])?["code"] as? String == "malformed", "\(finished)")
        #expect(try sandbox.notificationList().isEmpty)
        #expect(sandbox.storeDocuments(kind: "notify.emit").isEmpty, "nothing of a refused result is stored")
    }
}
