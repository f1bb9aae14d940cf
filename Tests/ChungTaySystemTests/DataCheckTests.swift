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
    /// A small demo batch submitted (chunks of 30) and waited for, under `name` (default
    /// `demo-SEED`); returns its id.
    func completedBatch(households: Int, seed: Int, endpoint: String, name: String? = nil) throws -> String {
        let input = try demoData(households: households, seed: seed, badRate: 0)
        let submitted = try cli([
            "batch", "submit", "--households", input.appendingPathComponent("households.csv").path,
            "--loans", input.appendingPathComponent("loans.csv").path, "--as-of", "2026-11-27", "--name", name ?? "demo-\(seed)",
            "--wait", "--chunk-size", "30", "--connect", endpoint,
        ], timeout: .seconds(120))
        #expect(submitted.status == 0, "\(submitted)")
        return try #require(batchId(submitted), "\(submitted)")
    }

    /// `chungtay data check --data-dir DATA --json [--repair]`: exit status and the report.
    func dataCheck(repair: Bool = false) throws -> (status: Int32?, report: [String: Any]) {
        let result = try cli(["data", "check", "--data-dir", dataDir.path, "--json"] + (repair ? ["--repair"] : []))
        return (result.status, try JSON.object(result.stdout))
    }

    /// Starts a dispatcher expected to refuse the data directory; returns its standard error.
    func refusedStart() throws -> (status: Int32?, stderr: String) {
        let child = try spawn("refused-\(UUID().uuidString.prefix(4))", [
            "dispatcher", "--data-dir", dataDir.path, "--client-endpoint", "tcp://127.0.0.1:*", "--worker-endpoint", "tcp://127.0.0.1:*",
            "--log-endpoint", "tcp://127.0.0.1:*",
        ])
        guard child.waitForExit(timeout: .seconds(30)) else {
            child.stop()
            throw HarnessError("the dispatcher started on a damaged data directory\n\(logs())")
        }
        return (child.exitStatus, child.stderr)
    }
}

func problemCodes(_ report: [String: Any]) -> [String: Set<String>] {
    var codes: [String: Set<String>] = [:]
    for problem in report["problems"] as? [[String: Any]] ?? [] {
        codes[problem["file"] as? String ?? "", default: []].insert(problem["code"] as? String ?? "")
    }
    return codes
}

extension SystemTests {
    /// A real data directory (a batch and queued jobs), stopped and damaged in each way:
    /// `data check` names the file and the problem; the dispatcher refuses what no crash
    /// explains (naming the file, exit non-zero, nothing cut) and cuts what a crash does;
    /// `--repair` fixes only what is provably safe.
    @Test func dataCheckFindsDamageAndTheDispatcherRefusesIt() throws {
        let sandbox = try Sandbox("datacheck")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let worker = try sandbox.startWorker("A", connect: dispatcher.workerEndpoint, kinds: pipelineKinds)
        _ = try sandbox.completedBatch(households: 120, seed: 5, endpoint: dispatcher.clientEndpoint)
        // Jobs no worker serves stay queued, their payloads in payloads/jobs/.
        let lines = try sandbox.writeFile("jobs.txt", numberedLines(5))
        let queued = try sandbox.cli(["submit", "system.echo", lines.path, "--lines", "--connect", dispatcher.clientEndpoint])
        #expect(queued.status == 0, "\(queued)")
        worker.stop()
        dispatcher.process.signal(SIGTERM)
        #expect(dispatcher.process.waitForExit(timeout: .seconds(30)))

        let clean = try sandbox.dataCheck()
        #expect(clean.status == 0, "\(clean.report)")
        #expect(clean.report["clean"] as? Bool == true)

        let data = sandbox.dataDir
        let reviews = data.appendingPathComponent("store/household.review/segment-000001.jsonl")
        let keys = data.appendingPathComponent("store/household.review/segment-000001.jsonl.keys")
        let keysSize = try Data(contentsOf: keys).count
        let reviewBytes = try Data(contentsOf: reviews)
        #expect(keysSize > 0 && keysSize % 24 == 0)

        // A torn keys tail and an uncommitted segment tail: reported, cut by --repair.
        try appendBytes(Array(repeating: 0x5A, count: 10), to: keys)
        try appendBytes(Array(#"{"torn"#.utf8), to: reviews)
        let torn = try sandbox.dataCheck()
        #expect(torn.status == 1)
        #expect(problemCodes(torn.report)["store/household.review/segment-000001.jsonl"] == ["uncommitted_tail"], "\(torn.report)")
        #expect(problemCodes(torn.report)["store/household.review/segment-000001.jsonl.keys"] == ["torn_keys"], "\(torn.report)")
        let repaired = try sandbox.dataCheck(repair: true)
        #expect(repaired.status == 0, "\(repaired.report)")
        #expect((repaired.report["repaired"] as? [Any])?.count == 2)
        #expect(try Data(contentsOf: keys).count == keysSize)
        #expect(try Data(contentsOf: reviews) == reviewBytes)

        // A segment the journal does not know: refused, kept whole, not "repaired".
        let unknown = data.appendingPathComponent("store/household.review/segment-000002.jsonl")
        try reviewBytes.write(to: unknown)
        let foreign = try sandbox.dataCheck(repair: true)
        #expect(foreign.status == 1)
        #expect(problemCodes(foreign.report)["store/household.review/segment-000002.jsonl"] == ["unknown_segment"], "\(foreign.report)")
        var refused = try sandbox.refusedStart()
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("store/household.review/segment-000002.jsonl: unknown_segment"), "\(refused.stderr)")
        #expect(try Data(contentsOf: unknown) == reviewBytes, "nothing is cut")
        try FileManager.default.removeItem(at: unknown)

        // A segment shorter than its committed end.
        try reviewBytes.prefix(reviewBytes.count - 1).write(to: reviews)
        #expect(problemCodes(try sandbox.dataCheck().report)["store/household.review/segment-000001.jsonl"] == ["short_segment"])
        refused = try sandbox.refusedStart()
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("store/household.review/segment-000001.jsonl: short_segment"), "\(refused.stderr)")
        try reviewBytes.write(to: reviews)

        // A queued job's payload segment gone.
        let payloads = data.appendingPathComponent("payloads/jobs/segment-000001.bin")
        let payloadBytes = try Data(contentsOf: payloads)
        try FileManager.default.removeItem(at: payloads)
        #expect(problemCodes(try sandbox.dataCheck().report)["payloads/jobs/segment-000001.bin"] == ["dangling_payload"])
        refused = try sandbox.refusedStart()
        #expect(refused.stderr.contains("payloads/jobs/segment-000001.bin: dangling_payload"), "\(refused.stderr)")
        try payloadBytes.write(to: payloads)

        // A REAL where the journal keeps an integer (needs the sqlite3 command).
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") {
            let journal = data.appendingPathComponent("journal.sqlite").path
            let edit = Process()
            edit.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            edit.arguments = [journal, "UPDATE job SET attempts = 9.3e18 WHERE state = 0"]
            try edit.run()
            edit.waitUntilExit()
            #expect(problemCodes(try sandbox.dataCheck().report)["journal.sqlite"] == ["unreadable_row"])
            refused = try sandbox.refusedStart()
            #expect(refused.stderr.contains("journal.sqlite: unreadable_row"), "\(refused.stderr)")
            let undo = Process()
            undo.executableURL = edit.executableURL
            undo.arguments = [journal, "UPDATE job SET attempts = 0 WHERE state = 0"]
            try undo.run()
            undo.waitUntilExit()
        } else {
            print("dataCheckFindsDamageAndTheDispatcherRefusesIt: no /usr/bin/sqlite3; the unreadable-row case is left to IntegrityTests")
        }

        // Undamaged again: clean, and a dispatcher starts and serves the stored results.
        #expect(try sandbox.dataCheck().status == 0)
        let restarted = try sandbox.startDispatcher(name: "restarted")
        let code = try #require(sandbox.batchDocuments("household.review", batch: "B000001").first?["householdCode"] as? String)
        let shown = try sandbox.cli(["results", "show", code, "--connect", restarted.clientEndpoint])
        #expect(shown.status == 0, "\(shown)")
        // While it runs, the check refuses to look.
        let busy = try sandbox.cli(["data", "check", "--data-dir", data.path])
        #expect(busy.status == 1)
        #expect(busy.stderr.contains("in use"), "\(busy)")
    }
}

func appendBytes(_ bytes: [UInt8], to url: URL) throws {
    let handle = try FileHandle(forWritingTo: url)
    handle.seekToEndOfFile()
    handle.write(Data(bytes))
    try handle.close()
}
