import Foundation
import Testing

extension SystemTests {
    /// `--metrics`: `/metrics` parses with the Prometheus client's own text parser and its
    /// counters equal the work done by two workers; the page and `/status.json` answer; no
    /// citizen ID or phone number of a batch's input reaches any of them.
    @Test func metricsCountTheWorkDoneAndTheStatusPageHoldsNoPersonalData() throws {
        let sandbox = try Sandbox("metrics")
        defer { sandbox.close() }
        let input = try sandbox.demoData(households: 120, seed: 5, badRate: 0.05)
        let dispatcher = try sandbox.startDispatcher(extra: ["--metrics", "127.0.0.1:0"])
        let address = try sandbox.metricsAddress(of: dispatcher)
        for name in ["A", "B"] {
            _ = try sandbox.startWorker(name, connect: dispatcher.workerEndpoint, kinds: "system.echo," + pipelineKinds)
            _ = try sandbox.waitForWorker(name, endpoint: dispatcher.clientEndpoint)
        }

        let lines = try sandbox.writeFile("lines.jsonl", numberedLines(40))
        let submitted = try sandbox.cli(["submit", "system.echo", lines.path, "--lines", "--wait", "--connect", dispatcher.clientEndpoint])
        #expect(submitted.status == 0, "\(submitted)")
        let batch = try sandbox.cli([
            "batch", "submit", "--households", input.appendingPathComponent("households.jsonl").path,
            "--loans", input.appendingPathComponent("loans.jsonl").path, "--as-of", "2026-11-27",
            "--name", "metrics", "--wait", "--chunk-size", "40", "--connect", dispatcher.clientEndpoint,
        ], timeout: .seconds(180))
        #expect(batch.status == 0, "\(batch)")
        let id = try #require(batchId(batch), "\(batch)")
        let reviewTasks = sandbox.storeDocuments(kind: "household.review").count

        // The listener asks the dispatcher at most once a second: poll until it has the final figures.
        let samples = try sandbox.eventually("/metrics to count the 40 echo tasks and the batch") { () -> [String: Double]? in
            let samples = try PrometheusText.samples(url: "http://\(address)/metrics")
            let echoes = samples[#"chungtay_tasks_total{kind="system.echo",outcome="succeeded"}"#]
            let progress = samples[#"chungtay_batch_progress_ratio{batch="\#(id)"}"#]
            return echoes == 40 && progress == 1 ? samples : nil
        }
        #expect(samples[#"chungtay_tasks_total{kind="system.echo",outcome="deadLettered"}"#] == 0)
        // The workers' duration histograms, aggregated by the dispatcher: one observation per task.
        let durations = try sandbox.eventually("the echo tasks' durations") { () -> Double? in
            let count = try PrometheusText.samples(url: "http://\(address)/metrics")[#"chungtay_task_duration_seconds_count{kind="system.echo"}"#]
            return count == 40 ? count : nil
        }
        #expect(durations == 40)
        #expect((samples["chungtay_journal_commit_duration_seconds_count"] ?? 0) >= 1, "\(samples)")
        #expect(samples[#"chungtay_queue_depth{kind="system.echo"}"#] == 0)
        #expect(samples["chungtay_leases_in_flight"] == 0)
        #expect(samples[#"chungtay_workers{state="idle"}"#] == 2, "\(samples)")
        #expect(samples[#"chungtay_workers{state="lost"}"#] == 0)
        #expect(samples["chungtay_dead_letters"] == 0)
        #expect(samples[#"chungtay_batch_tasks{batch="\#(id)",state="queued"}"#] == 0)
        // The batch's review chunks are tasks of the pipeline kinds: each counted once.
        let reviewChunks = samples[#"chungtay_tasks_total{kind="household.review",outcome="succeeded"}"#] ?? 0
        #expect(reviewChunks >= 1 && reviewChunks <= Double(reviewTasks), "\(reviewChunks) review tasks for \(reviewTasks) documents")

        // The page and its data: the workers, the batch and its chart data, nothing personal.
        let page = try PrometheusText.fetch("http://\(address)/")
        #expect(page.contains("<title>ChungTay operators</title>"))
        let statusText = try PrometheusText.fetch("http://\(address)/status.json")
        let status = try JSON.object(statusText)
        let report = try #require(status["status"] as? [String: Any], "\(statusText)")
        #expect(Set(Status.workers(report).compactMap { $0["name"] as? String }) == ["A", "B"])
        let batches = try #require(status["batches"] as? [[String: Any]], "\(statusText)")
        let shown = try #require(batches.first { $0["id"] as? String == id }, "\(statusText)")
        let communes = try #require(shown["byCommune"] as? [String: Any], "\(shown)")
        #expect(!communes.isEmpty, "\(shown)")
        #expect(shown["audit"] == nil)
        let metricsText = try PrometheusText.fetch("http://\(address)/metrics")
        let personal = try personalNumbers(in: input)
        #expect(personal.count > 100, "the demo data has citizen IDs and phones to look for")
        for (name, text) in [("/", page), ("/status.json", statusText), ("/metrics", metricsText)] {
            let leaked = personal.filter { text.contains($0) }
            #expect(leaked.isEmpty, "\(name) shows \(leaked.count) citizen IDs or phone numbers")
        }
    }

    /// A non-loopback `--metrics` address is refused, saying why, unless `--metrics-allow-remote`.
    @Test func metricsListenerStaysOnLoopbackUnlessAllowed() throws {
        let sandbox = try Sandbox("metrics-remote")
        defer { sandbox.close() }
        let refused = try sandbox.cli(["dispatcher", "--data-dir", sandbox.dataDir.path, "--metrics", "0.0.0.0:0"])
        #expect(refused.status == 64 || refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("not a loopback address") && refused.stderr.contains("--metrics-allow-remote"), "\(refused)")
        let dispatcher = try sandbox.startDispatcher(extra: ["--metrics", "0.0.0.0:0", "--metrics-allow-remote"])
        let address = try sandbox.metricsAddress(of: dispatcher)
        let port = try #require(address.split(separator: ":").last, "\(address)")
        #expect(try PrometheusText.fetch("http://127.0.0.1:\(port)/").contains("ChungTay operators"))
    }
}

extension Sandbox {
    /// The listener's `HOST:PORT` from the dispatcher's `listening` line (after its ready line).
    func metricsAddress(of dispatcher: DispatcherProcess) throws -> String {
        try eventually("the dispatcher's listening line", timeout: .seconds(30)) { () -> String? in
            dispatcher.process.stdout.split(separator: "\n").lazy.compactMap { line in
                (try? JSON.object(String(line))).flatMap { $0["event"] as? String == "listening" ? $0["metricsAddress"] as? String : nil }
            }.first
        }
    }
}

/// Every run of 10 to 12 digits in the files of `directory`: the citizen IDs and phone
/// numbers of the demo data (and anything else that long, which no page needs either).
func personalNumbers(in directory: URL) throws -> Set<String> {
    var numbers: Set<String> = []
    for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        var run = ""
        for character in text + " " {
            if character.isASCII, character.isNumber {
                run.append(character)
                continue
            }
            if (10...12).contains(run.count) { numbers.insert(run) }
            run = ""
        }
    }
    return numbers
}

/// `/metrics` read by the Prometheus project's Python client parser
/// (`prometheus_client.parser`): a real parser, not ours. Debian's python3-prometheus-client
/// (`scripts/install-system-packages`), so the system's interpreter, not one earlier on PATH.
enum PrometheusText {
    /// Samples by `name{label="value",…}` (labels sorted), every family the parser found.
    static func samples(url: String) throws -> [String: Double] {
        let script = """
            import json, sys, urllib.request
            from prometheus_client.parser import text_string_to_metric_families
            text = urllib.request.urlopen(sys.argv[1], timeout=10).read().decode("utf-8")
            out = {}
            for family in text_string_to_metric_families(text):
                for s in family.samples:
                    labels = ",".join('%s="%s"' % (k, v) for k, v in sorted(s.labels.items()))
                    out[s.name + ("{" + labels + "}" if labels else "")] = s.value
            print(json.dumps(out))
            """
        let output = try python(script, url)
        guard let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
            throw HarnessError("the parser printed no object: \(output)")
        }
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }

    static func fetch(_ url: String) throws -> String {
        try python("import sys, urllib.request\nsys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode('utf-8'))", url)
    }

    private static func python(_ script: String, _ argument: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, argument]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError("python3 failed (\(process.terminationStatus)) for \(argument): \(String(decoding: errorData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
