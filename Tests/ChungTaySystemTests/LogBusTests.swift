#if canImport(Glibc)
import Glibc
#endif
import ChungTayWire
import Foundation
import Testing

extension Sandbox {
    /// `chungtay logs --json` on the log bus with `arguments`, parsed: one record per line.
    func logRecords(_ endpoint: String, _ arguments: [String] = []) throws -> [[String: Any]] {
        let result = try cli(["logs", "--connect", endpoint, "--json", "--tail", "10000"] + arguments, timeout: .seconds(60))
        guard result.status == 0 else { throw HarnessError("logs failed: \(result)") }
        return try result.lines.map { try JSON.object($0) }
    }
}

/// Every digit run of 10 or more in the files: the citizen IDs (12 digits) and phone
/// numbers (10) of the sample data, and anything else as long.
func personalNumbers(in files: [URL]) throws -> Set<String> {
    var numbers: Set<String> = []
    let pattern = try NSRegularExpression(pattern: "[0-9]{10,}")
    for file in files {
        let text = try String(contentsOf: file, encoding: .utf8)
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            numbers.insert(String(text[Range(match.range, in: text)!]))
        }
    }
    return numbers
}

extension SystemTests {
    /// The log bus with a dispatcher and two workers at debug running a sample batch: the
    /// tail holds records of all three processes, each filter selects what it says, and no
    /// record or log line holds a citizen ID or phone number of the input.
    @Test func logsGatherEveryProcessFilterAndMaskPersonalData() throws {
        let sandbox = try Sandbox("logs")
        defer { sandbox.close() }
        let input = try sandbox.demoData(households: 200, seed: 5, badRate: 0.05)
        let dispatcher = try sandbox.startDispatcher()
        for name in ["A", "B"] {
            _ = try sandbox.startWorker(name, connect: dispatcher.workerEndpoint, kinds: pipelineKinds, extra: ["--log-level", "debug"])
        }
        let households = input.appendingPathComponent("households.jsonl")
        let loans = input.appendingPathComponent("loans.jsonl")
        let submitted = try sandbox.cli([
            "batch", "submit", "--households", households.path, "--loans", loans.path, "--as-of", "2026-11-27",
            "--name", "logs", "--wait", "--chunk-size", "20", "--connect", dispatcher.clientEndpoint,
        ], timeout: .seconds(180))
        #expect(submitted.status == 0, "\(submitted)")
        let batch = try #require(batchId(submitted), "\(submitted)")

        // Workers ship their records once per loop turn: wait until both have.
        let all = try sandbox.eventually("records of both workers and the dispatcher") { () -> [[String: Any]]? in
            let records = try sandbox.logRecords(dispatcher.logEndpoint)
            let processes = Set(records.map { "\($0["role"] ?? "")/\($0["role"] as? String == "worker" ? $0["worker"] ?? "" : "")" })
            return processes.isSuperset(of: ["dispatcher/", "worker/A", "worker/B"]) ? records : nil
        }
        for record in all {
            for key in ["time", "level", "role", "host", "message"] { #expect(record[key] is String, "\(key) in \(record)") }
        }
        #expect(all.contains { $0["level"] as? String == "debug" && $0["message"] as? String == "task finished" })
        let times = all.compactMap { $0["time"] as? String }
        #expect(times == times.sorted(), "the tail is in time order")

        let workerA = try sandbox.logRecords(dispatcher.logEndpoint, ["--worker", "A"])
        #expect(!workerA.isEmpty && workerA.allSatisfy { $0["worker"] as? String == "A" })
        let reviews = try sandbox.logRecords(dispatcher.logEndpoint, ["--kind", "household.review"])
        #expect(!reviews.isEmpty && reviews.allSatisfy { $0["kind"] as? String == "household.review" })
        let ofBatch = try sandbox.logRecords(dispatcher.logEndpoint, ["--batch", batch])
        #expect(!ofBatch.isEmpty && ofBatch.allSatisfy { $0["batch"] as? String == batch })
        let info = try sandbox.logRecords(dispatcher.logEndpoint, ["--level", "info"])
        #expect(!info.isEmpty && info.allSatisfy { !["trace", "debug"].contains($0["level"] as? String) })
        let finished = try sandbox.logRecords(dispatcher.logEndpoint, ["--grep", "task finished"])
        #expect(!finished.isEmpty && finished.allSatisfy { ($0["message"] as? String)?.contains("task finished") == true })
        let last = try sandbox.logRecords(dispatcher.logEndpoint, ["--tail", "5"])
        #expect(last.count == 5)

        let text = try sandbox.cli(["logs", "--connect", dispatcher.logEndpoint, "--tail", "10000"])
        #expect(text.status == 0 && text.stdout.contains(" worker[B] "), "\(text.stdout.suffix(2000))")
        #expect(!text.stdout.contains("\u{1B}["), "no colour when piped")

        let numbers = try personalNumbers(in: [households, loans])
        #expect(numbers.count > 100, "the sample data has citizen IDs and phone numbers")
        let outputs = [text.stdout, try sandbox.cli(["logs", "--connect", dispatcher.logEndpoint, "--json", "--tail", "10000"]).stdout,
                       sandbox.logs(limit: .max)]
        for output in outputs {
            let leaked = numbers.filter { output.contains($0) }
            #expect(leaked.isEmpty, "personal numbers in the logs: \(leaked.prefix(5))")
        }
    }

    /// `logs -f` prints records emitted after it started; `--log-format json` makes every
    /// line on standard error a log record, a client command's as well.
    @Test func followedLogsShowNewRecords() throws {
        let sandbox = try Sandbox("logs-follow")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher(extra: ["--log-format", "json"])
        _ = try sandbox.startWorker("F", connect: dispatcher.workerEndpoint, extra: ["--log-level", "debug"])
        let follower = try sandbox.spawn("logs-f", ["logs", "--connect", dispatcher.logEndpoint, "-f", "--json", "--tail", "0", "--worker", "F"])
        let payload = try sandbox.writeFile("payload.json", #"{"hello":"log"}"#)
        // Jobs until one submitted after the subscription shows up in the stream.
        try sandbox.eventually("a record of a job submitted after logs -f started") { () -> Bool? in
            let submitted = try sandbox.cli(["submit", "system.echo", payload.path, "--connect", dispatcher.clientEndpoint, "--timeout", "20"])
            let id = try #require(try jobIds(submitted).first)
            Thread.sleep(forTimeInterval: 1.5)
            let records = try follower.stdout.split(separator: "\n").map { try JSON.object(String($0)) }
            #expect(records.allSatisfy { $0["worker"] as? String == "F" })
            return records.contains { $0["taskId"] as? String == String(id) && $0["message"] as? String == "task finished" } ? true : nil
        }
        #expect(follower.isRunning)
        let lines = dispatcher.process.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let record = try JSON.object(String(line))
            #expect(record["role"] as? String == "dispatcher" && record["time"] is String && record["message"] is String, "\(line)")
        }
        // Client commands log as role `client`: an unreachable dispatcher is one error record.
        let unreachable = try sandbox.cli(["status", "--connect", "tcp://127.0.0.1:1", "--timeout", "0.2", "--log-format", "json"])
        #expect(unreachable.status == 3, "\(unreachable)")
        let clientLines = unreachable.stderr.split(separator: "\n")
        #expect(clientLines.count == 1, "\(unreachable)")
        let clientRecord = try JSON.object(String(clientLines.first ?? ""))
        #expect(clientRecord["role"] as? String == "client" && clientRecord["level"] as? String == "error", "\(unreachable)")
    }

    /// Without CURVE the log bus binds loopback unless `--insecure`, and `none` turns it off.
    @Test func logEndpointStaysOnLoopbackUnlessAllowedAndNoneTurnsItOff() throws {
        let sandbox = try Sandbox("log-endpoint")
        defer { sandbox.close() }
        let refused = try sandbox.cli(["dispatcher", "--data-dir", sandbox.dataDir.path, "--log-endpoint", "tcp://0.0.0.0:*"])
        #expect(refused.status == 64 || refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("not a loopback address") && refused.stderr.contains("--insecure"), "\(refused)")
        let remote = try sandbox.startDispatcher(name: "remote", extra: ["--log-endpoint", "tcp://0.0.0.0:*", "--insecure"])
        #expect(remote.logEndpoint.hasPrefix("tcp://0.0.0.0:"), "\(remote.logEndpoint)")
        let quiet = try sandbox.spawn("quiet", [
            "dispatcher", "--data-dir", sandbox.dataDir.appendingPathComponent("quiet").path, "--client-endpoint", "tcp://127.0.0.1:*",
            "--worker-endpoint", "tcp://127.0.0.1:*", "--log-endpoint", "none",
        ])
        let ready = try sandbox.eventually("the ready line", timeout: .seconds(30)) { () -> [String: Any]? in
            quiet.stdout.split(separator: "\n").first.flatMap { try? JSON.object(String($0)) }
        }
        #expect(ready["event"] as? String == "ready" && ready["clientEndpoint"] is String && ready["logEndpoint"] == nil, "\(ready)")
    }

    /// Every connected peer can hold a queue of RECORDS at the dispatcher, so past 64 peers
    /// a new one is refused its tail.
    @Test func aTailIsRefusedPastTheConnectedPeersCap() throws {
        let sandbox = try Sandbox("log-peers")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        func ask(_ peer: RawPeer, _ message: LogMessage) throws -> LogMessage {
            try peer.send(message.encode())
            return try LogMessage.decode(try peer.receive("an answer to \(message)")[...])
        }
        var peers: [RawPeer] = []
        for _ in 0..<63 {
            let peer = try RawPeer(.dealer, connect: dispatcher.logEndpoint)
            #expect(try ask(peer, .heartbeat) == .error(code: "not_ready", message: "not subscribed; send SUBSCRIBE"))
            peers.append(peer)
        }
        let tail = LogMessage.subscribe(LogSubscriptionRequest(filter: .everything, tail: 0, follow: false))
        let served = try RawPeer(.dealer, connect: dispatcher.logEndpoint)
        #expect(try ask(served, tail) == .tailEnd, "the 64th peer is served")
        let late = try RawPeer(.dealer, connect: dispatcher.logEndpoint)
        let refused = try ask(late, tail)
        guard case .error(let code, _) = refused else { Issue.record("the 65th peer got \(refused)"); return }
        #expect(code == "too_many_subscribers")
    }
}

extension SystemTests {
    /// A subscriber stopped with SIGSTOP holds a subscription it never reads: the jobs still
    /// all complete, and other subscribers are still served.
    @Test func aStoppedSubscriberDoesNotHoldUpTheTasks() throws {
        let sandbox = try Sandbox("logs-stopped")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        for name in ["S1", "S2"] { _ = try sandbox.startWorker(name, connect: dispatcher.workerEndpoint, extra: ["--log-level", "debug"]) }
        let follower = try sandbox.spawn("logs-f", ["logs", "--connect", dispatcher.logEndpoint, "-f", "--json", "--tail", "1"])
        try sandbox.eventually("the follower's tail") { follower.stdout.isEmpty ? nil : true }
        follower.signal(SIGSTOP)
        defer { follower.signal(SIGCONT) }
        let payload = try sandbox.writeFile("lines.jsonl", numberedLines(3000))
        let submitted = try sandbox.cli(["submit", "system.echo", payload.path, "--lines", "--connect", dispatcher.clientEndpoint, "--timeout", "30"])
        #expect(submitted.status == 0, "\(submitted)")
        try sandbox.waitForCompleted(3000, kind: "system.echo", endpoint: dispatcher.clientEndpoint)
        let finished = try sandbox.eventually("records of the tasks for another subscriber") { () -> [[String: Any]]? in
            let records = try sandbox.logRecords(dispatcher.logEndpoint, ["--grep", "task finished"])
            return records.isEmpty ? nil : records
        }
        #expect(finished.allSatisfy { $0["kind"] as? String == "system.echo" })
    }
}
