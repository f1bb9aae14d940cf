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
    /// `data backup` of a dispatcher in the middle of a batch, `data restore` of it, and a
    /// dispatcher started on the restored directory: the batch, submitted again under its
    /// name, completes with the stores (and the outbox) of an undisturbed run.
    @Test func backupTakenMidBatchRestoresToADispatcherThatCompletesTheBatch() throws {
        let calm = try Sandbox("backupcalm")
        defer { calm.close() }
        let live = try Sandbox("backuplive")
        defer { live.close() }
        let restored = try Sandbox("backuprestored")
        defer { restored.close() }
        let households = 2000
        func submit(_ sandbox: Sandbox, _ input: URL, endpoint: String, wait: Bool) throws -> CommandResult {
            try sandbox.submitInSmallChunks(input, name: "backed-up", endpoint: endpoint, wait: wait)
        }

        let calmInput = try calm.demoData(households: households, seed: 17, badRate: 0.02)
        let calmDispatcher = try calm.startDispatcher()
        for name in ["A", "B"] { _ = try calm.startWorker(name, connect: calmDispatcher.workerEndpoint, kinds: pipelineKinds) }
        let calmRun = try submit(calm, calmInput, endpoint: calmDispatcher.clientEndpoint, wait: true)
        #expect(calmRun.status == 0, "\(calmRun)")
        let calmId = try #require(batchId(calmRun))
        let expected = calm.comparableStores(batch: calmId)

        let input = try live.demoData(households: households, seed: 17, badRate: 0.02)
        let dispatcher = try live.startDispatcher()
        let accepted = try submit(live, input, endpoint: dispatcher.clientEndpoint, wait: false)
        #expect(accepted.status == 0, "\(accepted)")
        let id = try #require(batchId(accepted))
        for name in ["A", "B"] {
            _ = try live.startWorker(name, connect: dispatcher.workerEndpoint, kinds: pipelineKinds, concurrency: 1)
        }
        try live.eventually("notifications stored", interval: .milliseconds(10)) { () -> Bool? in
            try live.batchStatus(id, endpoint: dispatcher.clientEndpoint).notifications > 0 ? true : nil
        }
        let backup = live.root.appendingPathComponent("backup")
        let backedUp = try live.cli(["data", "backup", "--data-dir", live.dataDir.path, "--out", backup.path, "--json"])
        #expect(backedUp.status == 0, "\(backedUp)")
        let summary = try JSON.object(backedUp.stdout)
        #expect((summary["files"] as? Int ?? 0) >= 4, "\(summary)")
        #expect(!FileManager.default.fileExists(atPath: backup.path + ".partial"))
        // A second backup to the same place is refused and leaves the first alone.
        let again = try live.cli(["data", "backup", "--data-dir", live.dataDir.path, "--out", backup.path])
        #expect(again.status == 1 && again.stderr.contains("already exists"), "\(again)")
        dispatcher.process.signal(SIGKILL)
        #expect(dispatcher.process.waitForExit(timeout: .seconds(10)))

        let restoredOut = try restored.cli(["data", "restore", "--from", backup.path, "--data-dir", restored.dataDir.path])
        #expect(restoredOut.status == 0, "\(restoredOut)")
        let checked = try restored.cli(["data", "check", "--data-dir", restored.dataDir.path])
        #expect(checked.status == 0 && checked.stdout.contains("clean"), "\(checked)")
        // Mode 0700 and 0600 throughout: the restored directory holds personal data.
        for path in [restored.dataDir.path, restored.dataDir.appendingPathComponent("journal.sqlite").path] {
            let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0, "\(path) has mode \(String(mode, radix: 8))")
        }
        let atBackup = restored.batchDocuments("notify.emit", batch: id).count
        #expect(atBackup > 0 && atBackup < (expected["notify.emit"]?.count ?? 0), "the backup was taken mid-batch: \(atBackup) notifications")

        let resumedDispatcher = try restored.startDispatcher()
        for name in ["A", "B"] { _ = try restored.startWorker(name, connect: resumedDispatcher.workerEndpoint, kinds: pipelineKinds) }
        let restoredInput = try restored.demoData(households: households, seed: 17, badRate: 0.02)
        let resumed = try submit(restored, restoredInput, endpoint: resumedDispatcher.clientEndpoint, wait: true)
        #expect(resumed.status == 0, "\(resumed)")
        #expect(batchId(resumed) == id)
        #expect(calmId == id)
        let actual = restored.comparableStores(batch: id)
        for kind in expected.keys.sorted() {
            #expect(expected[kind]?.count == actual[kind]?.count, "\(kind): \(expected[kind]?.count ?? 0) vs \(actual[kind]?.count ?? 0) documents")
            #expect(expected[kind] == actual[kind], "\(kind) differs from the undisturbed run")
        }
        func outboxStates(_ sandbox: Sandbox, _ batch: String) throws -> [String] {
            try sandbox.notificationList(batch: batch).map { "\($0["dedupKey"] ?? "") \($0["state"] ?? "")" }.sorted()
        }
        #expect(try outboxStates(restored, id) == (try outboxStates(calm, calmId)))
        // Notifications emitted after the restore have ids past any the lost dispatcher could
        // have handed out: from the restore's time in seconds × 2^20 on.
        let ids = try restored.notificationList(batch: id).compactMap { $0["outboxId"] as? Int }
        let restoredAt = Int(Date().timeIntervalSince1970) - 600
        #expect(ids.contains { $0 >= restoredAt << 20 } && ids.contains { $0 < 1 << 20 }, "outbox ids \(ids.min() ?? 0)…\(ids.max() ?? 0)")
    }

    /// A backup of an idle dispatcher restores to a directory a dispatcher goes on with; a
    /// backup with a file cut short (a full disk, a copy stopped part way) is refused before
    /// anything is put in place, and so is a data directory that already holds data.
    @Test func idleBackupRestoresAndAnIncompleteOneIsRefused() throws {
        let sandbox = try Sandbox("backupdamaged")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        _ = try sandbox.startWorker("A", connect: dispatcher.workerEndpoint)
        let lines = try sandbox.writeFile("jobs.jsonl", numberedLines(50))
        let submitted = try sandbox.cli(["submit", "system.echo", lines.path, "--lines", "--connect", dispatcher.clientEndpoint])
        #expect(submitted.status == 0, "\(submitted)")
        try sandbox.waitForCompleted(50, kind: "system.echo", endpoint: dispatcher.clientEndpoint)
        let backup = sandbox.root.appendingPathComponent("backup")
        let backedUp = try sandbox.cli(["data", "backup", "--data-dir", sandbox.dataDir.path, "--out", backup.path])
        #expect(backedUp.status == 0 && backedUp.stdout.contains("backed up"), "\(backedUp)")

        // The newest payload segment is in the backup although no job needs it: a dispatcher
        // appends to the newest file there is, and would start an older one again at offset 0.
        #expect(FileManager.default.fileExists(atPath: backup.appendingPathComponent("payloads/jobs/segment-000001.bin").path))
        let trail = try String(contentsOf: sandbox.dataDir.appendingPathComponent("audit.jsonl"), encoding: .utf8)
        #expect(trail.contains(#""event":"data.backedUp""#), "the backup is in the source's audit trail")

        // Another backup's unfinished directory is never taken over (nor deleted).
        let busy = sandbox.root.appendingPathComponent("busy")
        try FileManager.default.createDirectory(atPath: busy.path + ".partial", withIntermediateDirectories: false)
        let refused = try sandbox.cli(["data", "backup", "--data-dir", sandbox.dataDir.path, "--out", busy.path])
        #expect(refused.status == 1 && refused.stderr.contains("another backup"), "\(refused)")
        #expect(FileManager.default.fileExists(atPath: busy.path + ".partial") && !FileManager.default.fileExists(atPath: busy.path))

        // Restored and started on, with 50 jobs more, the directory still checks clean; the
        // outbox's ids were moved on and the restore is in the restored trail.
        let reused = sandbox.root.appendingPathComponent("reused")
        let restoredOut = try sandbox.cli(["data", "restore", "--from", backup.path, "--data-dir", reused.path])
        #expect(restoredOut.status == 0, "\(restoredOut)")
        let restoredTrail = try String(contentsOf: reused.appendingPathComponent("audit.jsonl"), encoding: .utf8)
        #expect(restoredTrail.contains(#""event":"data.restored""#))
        let second = try sandbox.startDispatcher(name: "dispatcher-restored", extra: ["--data-dir", reused.path])
        _ = try sandbox.startWorker("B", connect: second.workerEndpoint)
        let more = try sandbox.cli(["submit", "system.echo", lines.path, "--lines", "--connect", second.clientEndpoint])
        #expect(more.status == 0, "\(more)")
        try sandbox.waitForCompleted(100, kind: "system.echo", endpoint: second.clientEndpoint)
        second.process.signal(SIGTERM)
        #expect(second.process.waitForExit(timeout: .seconds(20)))
        let checked = try sandbox.cli(["data", "check", "--data-dir", reused.path])
        #expect(checked.status == 0 && checked.stdout.contains("clean"), "\(checked)")
        // A source whose newest payload segment no job needs is already gone still backs up.
        let payloadSegments = try FileManager.default.contentsOfDirectory(atPath: reused.appendingPathComponent("payloads/jobs").path)
        let newest = try #require(payloadSegments.filter { $0.hasSuffix(".bin") }.max())
        try FileManager.default.removeItem(at: reused.appendingPathComponent("payloads/jobs/" + newest))
        let withoutNewest = try sandbox.cli(["data", "backup", "--data-dir", reused.path, "--out", sandbox.root.appendingPathComponent("backup-2").path])
        #expect(withoutNewest.status == 0, "\(withoutNewest)")

        let target = sandbox.root.appendingPathComponent("restored")
        let full = try sandbox.cli(["data", "restore", "--from", backup.path, "--data-dir", sandbox.dataDir.path])
        #expect(full.status == 1 && full.stderr.contains("not an empty directory"), "\(full)")

        let segments = try FileManager.default.contentsOfDirectory(atPath: backup.appendingPathComponent("store/system.echo").path)
        let segment = try #require(segments.first { $0.hasSuffix(".jsonl") })
        let path = backup.appendingPathComponent("store/system.echo/" + segment).path
        #expect(truncate(path, 10) == 0)
        let damaged = try sandbox.cli(["data", "restore", "--from", backup.path, "--data-dir", target.path])
        #expect(damaged.status == 1 && damaged.stderr.contains("the manifest says"), "\(damaged)")
        #expect(!FileManager.default.fileExists(atPath: target.path) && !FileManager.default.fileExists(atPath: target.path + ".partial"))
    }
}
