#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ChungTayClient
import ChungTayWire
import Foundation
import Testing

/// What operators watch: `status --json` with the workers' reported figures, and `top`
/// in a real terminal (tmux).
@Suite(.serialized) struct OperatorViewTests {
    /// The workers' heartbeats and the dispatcher's own counts agree with the work done,
    /// a worker killed with SIGKILL is listed as lost, and so is one silent past the liveness
    /// time until it registers again.
    @Test func statusCountsTheWorkDoneAndShowsKilledAndSilentWorkersAsLost() throws {
        let sandbox = try Sandbox("status")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let alpha = try sandbox.startWorker("alpha", connect: dispatcher.workerEndpoint)
        let bravo = try sandbox.startWorker("bravo", connect: dispatcher.workerEndpoint)
        for name in ["alpha", "bravo"] { try sandbox.waitForWorker(name, endpoint: dispatcher.clientEndpoint) }
        let jobs = 300
        let client = try DispatcherClient(endpoint: dispatcher.clientEndpoint, timeout: .seconds(20))
        guard case .accepted = try client.call(.submit((1...jobs).map { JobSpec(kind: "system.echo", payload: Array("{\"n\":\($0)}".utf8)) }))
        else { throw HarnessError("expected ACCEPTED") }
        try sandbox.waitForCompleted(jobs, kind: "system.echo", endpoint: dispatcher.clientEndpoint)

        // Workers report with their next heartbeat: poll until both reports cover every job.
        let report = try sandbox.eventually("the workers' reports to add up to \(jobs) jobs") { () -> StatusReport? in
            let report = try Self.status(sandbox, dispatcher)
            let live = report.workers.filter { $0.state != .lost }
            let durations = report.taskDurations["system.echo"]?.count ?? 0
            return live.count == 2 && live.map(\.done).reduce(0, +) == jobs && durations == jobs ? report : nil
        }
        #expect(report.tasks["system.echo"] == StatusReport.TaskOutcomes(succeeded: jobs))
        #expect(report.workers.allSatisfy { $0.failed == 0 && $0.host?.isEmpty == false && $0.state == .idle })
        #expect(report.leasesInFlight == 0)
        let echo = try #require(report.queues["system.echo"])
        #expect(echo.completed == jobs && echo.queued == 0 && echo.oldestWaitingSeconds == 0 && echo.retriesWaiting == 0)
        #expect(report.journalCommitDurations.count > 0)
        let histogram = try #require(report.taskDurations["system.echo"])
        #expect(histogram.counts.reduce(0, +) == jobs && histogram.counts.count == histogram.boundsSeconds.count + 1)

        alpha.signal(SIGKILL)
        let lost = try sandbox.eventually("alpha to be listed as lost", timeout: .seconds(60)) { () -> StatusReport.Worker? in
            try Self.status(sandbox, dispatcher).workers.first { $0.name == "alpha" && $0.state == .lost }
        }
        #expect(lost.inFlight == 0)
        let after = try Self.status(sandbox, dispatcher)
        #expect(after.workers.filter { $0.name == "bravo" }.map(\.state) == [.idle])
        #expect(after.workers.last?.name == "alpha", "lost workers come after the registered ones")
        // The text view shows the same.
        let text = try sandbox.cli(["status", "--connect", dispatcher.clientEndpoint])
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.contains("alpha  lost") && text.stdout.contains("bravo  idle"), "\(text.stdout)")
        #expect(text.stdout.contains("system.echo  succeeded=\(jobs)"), "\(text.stdout)")

        // A worker that falls silent (SIGSTOP) is lost once the liveness time passes, and
        // leaves the lost list when it comes back and registers again; its figures, already
        // counted, are not counted twice.
        bravo.signal(SIGSTOP)
        try sandbox.eventually("bravo to be listed as lost after its silence", timeout: .seconds(60)) { () -> Bool? in
            try Self.status(sandbox, dispatcher).workers.contains { $0.name == "bravo" && $0.state == .lost } ? true : nil
        }
        bravo.signal(SIGCONT)
        let back = try sandbox.eventually("bravo to register again", timeout: .seconds(60)) { () -> StatusReport? in
            let report = try Self.status(sandbox, dispatcher)
            return report.workers.contains { $0.name == "bravo" && $0.state != .lost } ? report : nil
        }
        #expect(back.workers.filter { $0.state == .lost }.map(\.name) == ["alpha"])
        #expect(back.taskDurations["system.echo"]?.count == jobs)
    }

    /// `top` in a tmux pane: both workers and the batch appear, and `q` or SIGINT ends it, leaving the terminal as it was.
    @Test(.enabled(if: OperatorViewTests.tmux != nil, "tmux is not installed (scripts/install-system-packages)"))
    func topShowsWorkersAndABatchAndQuitsOnQOrSIGINT() throws {
        let sandbox = try Sandbox("top")
        defer { sandbox.close() }
        let input = try sandbox.demoData(households: 200, seed: 7, badRate: 0.05)
        let dispatcher = try sandbox.startDispatcher()
        for name in ["alpha", "bravo"] { _ = try sandbox.startWorker(name, connect: dispatcher.workerEndpoint, kinds: pipelineKinds) }
        let submitted = try sandbox.cli([
            "batch", "submit", "--households", input.appendingPathComponent("households.jsonl").path,
            "--loans", input.appendingPathComponent("loans.jsonl").path, "--as-of", "2026-11-27", "--name", "toptest", "--wait",
            "--chunk-size", "40", "--connect", dispatcher.clientEndpoint,
        ], timeout: .seconds(180))
        #expect(submitted.status == 0, "\(submitted)")
        let id = try #require(batchId(submitted), "\(submitted)")

        let server = "chungtay-top-\(getpid())"
        let tmux = Tmux(server: server, sandbox: sandbox)
        defer { _ = try? tmux.run(["kill-server"]) }
        let command = "\(sandbox.binary.path) top --connect \(dispatcher.clientEndpoint); echo top-exited-$?; sleep 120"
        try tmux.startSession("top", width: 160, height: 48, command: command)
        let screen = try sandbox.eventually("top to show both workers and the batch") { () -> String? in
            let pane = try tmux.run(["capture-pane", "-p", "-t", "top"])
            return pane.contains("alpha") && pane.contains("bravo") && pane.contains(id) && pane.contains("toptest") ? pane : nil
        }
        #expect(screen.contains("WORKERS") && screen.contains("QUEUES") && screen.contains("DEAD LETTERS") && screen.contains("BATCHES"))
        #expect(screen.contains("complete") && screen.contains("[####"), "the batch's bar is full:\n\(screen)")
        #expect(screen.split(separator: "\n").allSatisfy { $0.count <= 160 }, "every line fits the pane")
        try tmux.run(["send-keys", "-t", "top", "q"])
        let after = try sandbox.eventually("top to quit on q") { () -> String? in
            let pane = try tmux.run(["capture-pane", "-p", "-t", "top"])
            return pane.contains("top-exited-") ? pane : nil
        }
        #expect(after.contains("top-exited-0"), "top exits with status 0:\n\(after)")
        #expect(!after.contains("WORKERS"), "the alternate screen is left, the shell's screen is back:\n\(after)")

        // SIGINT (Ctrl-C in raw mode still signals) restores the terminal too.
        try tmux.startSession("interrupted", width: 120, height: 40, command: command)
        try sandbox.eventually("the second top to draw") { () -> Bool? in
            try tmux.run(["capture-pane", "-p", "-t", "interrupted"]).contains("WORKERS") ? true : nil
        }
        try tmux.run(["send-keys", "-t", "interrupted", "C-c"])
        let interrupted = try sandbox.eventually("top to end on SIGINT") { () -> String? in
            let pane = try tmux.run(["capture-pane", "-p", "-t", "interrupted"])
            return pane.contains("top-exited-") ? pane : nil
        }
        #expect(interrupted.contains("top-exited-130") && !interrupted.contains("WORKERS"), "\(interrupted)")
        // The terminal is back in cooked mode: what is typed is echoed by the line discipline.
        try tmux.run(["send-keys", "-t", "interrupted", "echoed-by-tty"])
        try sandbox.eventually("typed text to be echoed") { () -> Bool? in
            try tmux.run(["capture-pane", "-p", "-t", "interrupted"]).contains("echoed-by-tty") ? true : nil
        }
    }

    static let tmux: URL? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].map(URL.init(fileURLWithPath:))
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }

    static func status(_ sandbox: Sandbox, _ dispatcher: DispatcherProcess) throws -> StatusReport {
        let result = try sandbox.cli(["status", "--json", "--connect", dispatcher.clientEndpoint])
        guard result.status == 0 else { throw HarnessError("status failed: \(result)") }
        return try StatusReport(json: Array(result.stdout.utf8.dropLast()))
    }
}

/// A private tmux server (`-L`), so the test neither sees nor disturbs the user's sessions.
struct Tmux {
    let server: String
    let sandbox: Sandbox

    /// A detached session running `command`. The server the first client forks keeps that
    /// client's inherited descriptors, so Foundation never sees it end: it is not waited for,
    /// only the session's appearance is.
    func startSession(_ name: String, width: Int, height: Int, command: String) throws {
        _ = try spawn(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), command])
        try sandbox.eventually("tmux session \(name) to start") { (try? run(["has-session", "-t", name])).map { _ in true } }
    }

    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let child = try spawn(arguments)
        defer {
            try? FileManager.default.removeItem(at: child.stdoutURL)
            try? FileManager.default.removeItem(at: child.stderrURL)
        }
        guard child.waitForExit(timeout: .seconds(20)) else {
            child.stop()
            throw HarnessError("tmux \(arguments.joined(separator: " ")) did not finish")
        }
        guard child.exitStatus == 0 else { throw HarnessError("tmux \(arguments.joined(separator: " ")): \(child.exitDescription) \(child.stderr)") }
        return child.stdout
    }

    private func spawn(_ arguments: [String]) throws -> ChildProcess {
        guard let tmux = OperatorViewTests.tmux else { throw HarnessError("tmux is not installed") }
        return try ChildProcess(name: "tmux-\(UUID().uuidString.prefix(8))", executable: tmux, arguments: ["-L", server] + arguments,
                                directory: sandbox.root, stdin: nil, environment: ["TERM": "xterm-256color"])
    }
}
