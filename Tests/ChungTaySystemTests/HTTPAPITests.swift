import Foundation
import Testing

extension SystemTests {
    /// Issue 15's HTTP API against a real dispatcher and worker, through curl: idempotent
    /// submission, long-polls, the listener it is served on, and a problem document for each
    /// refusal the API gives. Nested in `SystemTests`, so serialized with the other system
    /// tests; selectable with `--filter HTTPAPITests`.
    @Suite struct HTTPAPITests {
        /// The same `Idempotency-Key` twice is one job (202 both times, `existed` the second);
        /// `?wait` answers with the stored result, the document `chungtay job` prints; the
        /// same holds line by line for `:batch` with `K/i` keys.
        @Test func sameIdempotencyKeyTwiceIsOneJobAndWaitReturnsTheStoredResult() throws {
            let sandbox = try Sandbox("http-api")
            defer { sandbox.close() }
            let dispatcher = try sandbox.startDispatcher(extra: ["--http", "127.0.0.1:0"])
            let base = "http://" + (try sandbox.httpAddress(of: dispatcher))
            _ = try sandbox.startWorker("echo", connect: dispatcher.workerEndpoint)
            _ = try sandbox.waitForWorker("echo", endpoint: dispatcher.clientEndpoint)
            let payload = try sandbox.writeFile("repayment.json", #"{"loan":"L-0001","amount":"1500000"}"#)
            func submit() throws -> CurlResponse {
                try sandbox.curl(["-H", "Idempotency-Key: repayment-L-0001-7", "--data-binary", "@" + payload.path, base + "/v1/jobs/system.echo"])
            }

            let first = try submit()
            #expect(first.status == 202, "\(first)")
            let accepted = try JSON.object(first.body)
            let id = try #require(accepted["id"] as? String, "\(first)")
            #expect(!id.isEmpty && id.allSatisfy(\.isASCII) && UInt64(id) != nil, "the job id is a string of digits: \(first)")
            #expect(accepted["existed"] as? Bool == false, "\(first)")
            #expect(first.headers["location"] == "/v1/jobs/\(id)", "\(first)")
            let again = try submit()
            #expect(again.status == 202, "\(again)")
            #expect(try JSON.object(again.body)["id"] as? String == id && (try JSON.object(again.body))["existed"] as? Bool == true, "\(again)")

            let waited = try sandbox.curl([base + "/v1/jobs/\(id)?wait=30"])
            #expect(waited.status == 200, "\(waited)")
            let document = try JSON.object(waited.body)
            #expect(document["state"] as? String == "completed", "\(waited)")
            // The stored result document: the echo handler's result is the payload.
            let stored = try #require(document["result"] as? [String: Any], "\(waited)")
            #expect(JSON.equal(stored["result"], try JSON.object(String(contentsOf: payload, encoding: .utf8))), "\(waited)")
            let printed = try sandbox.cli(["job", id, "--connect", dispatcher.clientEndpoint])
            #expect(printed.status == 0, "\(printed)")
            #expect(JSON.equal(document, try JSON.object(printed.stdout)), "\(printed)\n\(waited)")

            let lines = try sandbox.writeFile("lines.jsonl", "{\"n\":1}\n{\"n\":2}\r\n\n{\"n\":3}\n")
            func submitLines() throws -> (response: CurlResponse, jobs: [[String: Any]]) {
                let response = try sandbox.curl([
                    "-H", "Idempotency-Key: survey-visit-2026-12", "-H", "Content-Type: application/jsonl", "--data-binary", "@" + lines.path,
                    base + "/v1/jobs/system.echo:batch",
                ])
                return (response, (try? JSON.object(response.body))?["jobs"] as? [[String: Any]] ?? [])
            }
            let batch = try submitLines()
            #expect(batch.response.status == 202 && batch.jobs.count == 3, "\(batch.response)")
            #expect(batch.jobs.allSatisfy { $0["existed"] as? Bool == false }, "\(batch.response)")
            let repeated = try submitLines()
            #expect(repeated.response.status == 202, "\(repeated.response)")
            #expect(repeated.jobs.compactMap { $0["id"] as? String } == batch.jobs.compactMap { $0["id"] as? String }, "\(repeated.response)")
            #expect(repeated.jobs.allSatisfy { $0["existed"] as? Bool == true }, "\(repeated.response)")
            for job in batch.jobs {
                let done = try sandbox.curl([base + "/v1/jobs/\(job["id"] as? String ?? "0")?wait=30"])
                #expect(try JSON.object(done.body)["state"] as? String == "completed", "\(done)")
            }
            // One stored result per job: four jobs, not seven.
            #expect(sandbox.storeDocuments(kind: "system.echo").count == 4)
        }

        /// The API is on the `--metrics` listener beside the operators' page, or with `--http`
        /// on its own (which then prints `httpAddress`), and the metrics listener is the page
        /// alone; so it is too when it is beyond loopback with neither identities nor `--insecure`.
        @Test func theAPIIsServedOnTheMetricsListenerOrOnItsOwn() throws {
            let shared = try Sandbox("http-on-metrics")
            defer { shared.close() }
            let together = try shared.startDispatcher(extra: ["--metrics", "127.0.0.1:0"])
            let metrics = "http://" + (try shared.metricsAddress(of: together))
            let status = try shared.curl([metrics + "/v1/status"])
            #expect(try JSON.object(status.body)["clientEndpoint"] as? String == together.clientEndpoint, "\(status)")
            #expect(try shared.curl([metrics + "/metrics"]).status == 200)
            #expect(try shared.curl([metrics + "/status.json"]).status == 200)
            let document = try shared.curl([metrics + "/openapi.yaml"])
            #expect(document.status == 200 && document.headers["content-type"] == "application/yaml", "\(document)")
            let source = try String(contentsOf: Self.openAPIDocument, encoding: .utf8)
            #expect(document.body == source, "/openapi.yaml is not docs/openapi.yaml")
            #expect(!together.process.stdout.contains("httpAddress"), "\(together.process.stdout)")

            let separate = try Sandbox("http-own")
            defer { separate.close() }
            let apart = try separate.startDispatcher(extra: ["--metrics", "127.0.0.1:0", "--http", "127.0.0.1:0"])
            let api = "http://" + (try separate.httpAddress(of: apart))
            let page = "http://" + (try separate.metricsAddress(of: apart))
            #expect(try separate.curl([api + "/v1/status"]).status == 200)
            #expect(try separate.curl([page + "/metrics"]).status == 200)
            #expect(try separate.curl([page + "/v1/status"]).status == 404)
            let noPage = try separate.curl([api + "/metrics"])
            #expect(noPage.status == 404 && noPage.problemCode == "not_found", "\(noPage)")

            // A --metrics listener beyond loopback without identities serves the page alone, and says why.
            let remote = try Sandbox("http-remote-metrics")
            defer { remote.close() }
            let exposed = try remote.startDispatcher(extra: ["--metrics", "0.0.0.0:0", "--metrics-allow-remote"])
            let port = try #require((try remote.metricsAddress(of: exposed)).split(separator: ":").last)
            #expect(try remote.curl(["http://127.0.0.1:\(port)/metrics"]).status == 200)
            #expect(try remote.curl(["http://127.0.0.1:\(port)/v1/status"]).status == 404)
            #expect(exposed.process.stderr.contains("the HTTP API is not served on the --metrics listener"), "\(exposed.process.stderr)")
        }

        /// Each refusal the API gives, provoked for real, as an RFC 9457 document with its code,
        /// status and headers (the wire's codes where the dispatcher refused).
        @Test func problemDetailsForEachRefusal() throws {
            let sandbox = try Sandbox("http-problems")
            defer { sandbox.close() }
            let keys = try sandbox.curveDeployment()
            let client = try sandbox.issueToken("bank", role: .clients)
            let operatorToken = try sandbox.issueToken("ops", role: .operators)
            let dispatcher = try sandbox.startCurveDispatcher(keys, extra: ["--http", "127.0.0.1:0", "--http-max-body", "4096"])
            let base = "http://" + (try sandbox.httpAddress(of: dispatcher))
            let asClient = ["-H", "Authorization: Bearer \(client)"]
            let asOperator = ["-H", "Authorization: Bearer \(operatorToken)"]
            let queued = try sandbox.curl(asClient + ["--data-binary", "{}", base + "/v1/jobs/system.echo"])
            let id = try #require((try JSON.object(queued.body))["id"] as? String, "\(queued)")
            let big = try sandbox.writeFile("big.json", #"{"pad":""# + String(repeating: "x", count: 5000) + #""}"#)

            let cases: [(what: String, arguments: [String], status: Int, code: String)] = [
                ("no identity", [base + "/v1/jobs/\(id)"], 401, "unauthenticated"),
                ("a client asks for the status", asClient + [base + "/v1/status"], 403, "forbidden"),
                ("a kind nobody serves", asClient + ["--data-binary", "{}", base + "/v1/jobs/no.such.kind"], 404, "unknown_kind"),
                ("a job that does not exist", asClient + [base + "/v1/jobs/987654321"], 404, "unknown_job"),
                ("a kind that is not a name", asClient + ["--data-binary", "{}", base + "/v1/jobs/Not%20A%20Kind"], 400, "bad_request"),
                ("a wait over 60 s", asClient + [base + "/v1/jobs/\(id)?wait=61"], 400, "bad_request"),
                ("a job id that is not a number", asClient + [base + "/v1/jobs/-1"], 400, "bad_request"),
                ("an Idempotency-Key of 256 bytes", asClient + [
                    "-H", "Idempotency-Key: " + String(repeating: "k", count: 256), "--data-binary", "{}", base + "/v1/jobs/system.echo",
                ], 400, "bad_request"),
                ("retry ids that are not a list", asOperator + [
                    "-H", "Content-Type: application/json", "--data-binary", #"{"ids":"all"}"#, base + "/v1/dead-letters:retry",
                ], 400, "bad_request"),
                ("lines over --http-max-body", asClient + [
                    "-H", "Content-Type: application/jsonl", "--data-binary", "@" + big.path, base + "/v1/jobs/system.echo:batch",
                ], 413, "too_large"),
                ("lines sent as text/plain", asClient + [
                    "-H", "Content-Type: text/plain", "--data-binary", "{}", base + "/v1/jobs/system.echo:batch",
                ], 415, "unsupported_media_type"),
                ("a path nothing serves", asClient + [base + "/v1/nothing"], 404, "not_found"),
                ("a method the path does not take", asClient + ["-X", "DELETE", base + "/v1/jobs/\(id)"], 405, "method_not_allowed"),
            ]
            for (what, arguments, status, code) in cases {
                let answer = try sandbox.curl(arguments)
                #expect(answer.status == status && answer.problemCode == code, "\(what): \(answer)")
                let problem = (try? JSON.object(answer.body)) ?? [:]
                #expect(problem["type"] as? String == "urn:chungtay:problem:\(code)" && problem["status"] as? Int == status, "\(what): \(answer)")
                #expect(problem["title"] is String && problem["detail"] is String, "\(what): \(answer)")
            }
            let unauthenticated = try sandbox.curl([base + "/v1/jobs/\(id)"])
            #expect(unauthenticated.headers["www-authenticate"] == "Bearer", "\(unauthenticated)")
            let notAllowed = try sandbox.curl(asClient + ["-X", "DELETE", base + "/v1/jobs/\(id)"])
            #expect(notAllowed.headers["allow"] == "GET, POST" || notAllowed.headers["allow"] == "POST, GET", "\(notAllowed)")

            // 16 long-polls of one identity are open (the job stays queued: no worker); the 17th
            // is refused. A poll that lost the race for the 16th slot to a probe ended with 429,
            // so it is started again before each probe until the probe is the one refused.
            func poll() throws -> ChildProcess {
                try sandbox.spawnTool("poll-\(UUID().uuidString.prefix(8))", "/usr/bin/curl",
                                      ["-sS", "--max-time", "60"] + asClient + [base + "/v1/jobs/\(id)?wait=50"])
            }
            var polls = try (1...16).map { _ in try poll() }
            let refused = try sandbox.eventually("the 17th long-poll refused", timeout: .seconds(40)) { () -> CurlResponse? in
                for index in polls.indices where !polls[index].isRunning { polls[index] = try poll() }
                let answer = try sandbox.curl(asClient + [base + "/v1/jobs/\(id)?wait=1"])
                return answer.status == 429 ? answer : nil
            }
            #expect(refused.problemCode == "too_many_waits", "\(refused)")
            // Another identity still has its share.
            #expect(try sandbox.curl(asOperator + [base + "/v1/jobs/\(id)?wait=1"]).status == 200)
            for poll in polls { poll.stop() }
        }

        /// Past `--http-rate` (burst twice that) an identity gets 429 `rate_limited` with `Retry-After`.
        @Test func requestsOverTheRateAreRefusedWithRetryAfter() throws {
            let sandbox = try Sandbox("http-rate")
            defer { sandbox.close() }
            let dispatcher = try sandbox.startDispatcher(extra: ["--http", "127.0.0.1:0", "--http-rate", "1"])
            let base = "http://" + (try sandbox.httpAddress(of: dispatcher))
            // A burst of 2 and one token a second back: ten requests in a row cannot all pass
            // unless they took more than eight seconds.
            var answers: [CurlResponse] = []
            for _ in 1...10 {
                let answer = try sandbox.curl([base + "/v1/jobs/1"])
                answers.append(answer)
                if answer.status == 429 { break }
            }
            let limited = try #require(answers.last, "no answer")
            #expect(limited.status == 429 && limited.problemCode == "rate_limited", "\(answers)")
            #expect(limited.headers["retry-after"].flatMap { Int($0) }.map { $0 >= 1 } == true, "\(limited)")
            #expect(answers.dropLast().allSatisfy { $0.problemCode == "unknown_job" }, "\(answers)")
        }

        /// 128 submissions at once (as many connections as one address may hold), far more than
        /// the dispatcher queues replies for one client connection (16, past which its ROUTER
        /// drops them): every one is accepted with its own job, none answered 503 for a reply
        /// that was lost (`DispatcherGateway`'s window per connection and its queue).
        @Test func manyConcurrentSubmissionsAreAllAccepted() throws {
            let sandbox = try Sandbox("http-concurrent")
            defer { sandbox.close() }
            let dispatcher = try sandbox.startDispatcher(extra: ["--http", "127.0.0.1:0"])
            let url = "http://" + (try sandbox.httpAddress(of: dispatcher)) + "/v1/jobs/system.echo"
            // One curl, 128 transfers started at once, each on a connection of its own.
            let transfers = (1...128).flatMap { _ in ["-o", "/dev/null", url] }
            let curl = try sandbox.spawnTool("curl-parallel", "/usr/bin/curl", [
                "-sS", "--parallel", "--parallel-immediate", "--parallel-max", "128", "--max-time", "60",
                "--data-binary", "{}", "-w", "%{http_code} %header{location}\n",
            ] + transfers)
            #expect(curl.waitForExit(timeout: .seconds(120)) && curl.exitStatus == 0, "\(curl.exitDescription) \(curl.stderr)")
            let answers = curl.stdout.split(separator: "\n").map(String.init)
            #expect(answers.count == 128, "\(answers)")
            #expect(answers.allSatisfy { $0.hasPrefix("202 /v1/jobs/") }, "\(answers.filter { !$0.hasPrefix("202 ") })")
            #expect(Set(answers).count == answers.count, "two submissions got the same job: \(answers)")
        }

        /// A request offering an upgrade (`Upgrade: h2c`, as Java's HttpClient sends by default)
        /// is answered in HTTP/1.1 with `Connection: close`, so the client's next request goes on
        /// a new connection and is answered too, instead of waiting on one the HTTP/1 decoder
        /// stopped reading.
        @Test func anUpgradeRequestIsAnsweredAndTheNextRequestToo() throws {
            let sandbox = try Sandbox("http-upgrade")
            defer { sandbox.close() }
            let dispatcher = try sandbox.startDispatcher(extra: ["--http", "127.0.0.1:0"])
            let base = "http://" + (try sandbox.httpAddress(of: dispatcher))
            let upgrade = [
                "-H", "Connection: Upgrade, HTTP2-Settings", "-H", "Upgrade: h2c",
                "-H", "HTTP2-Settings: AAEAAEAAAAIAAAAAAAMAAAAAAAQBAAAAAAUAAEAAAAYABgAA",
            ]
            let submitted = try sandbox.curl(upgrade + ["--data-binary", "{}", base + "/v1/jobs/system.echo"])
            #expect(submitted.status == 202 && submitted.headers["connection"] == "close", "\(submitted)")
            let id = try #require((try JSON.object(submitted.body))["id"] as? String, "\(submitted)")
            let refused = try sandbox.curl(upgrade + [base + "/v1/nothing"])
            #expect(refused.problemCode == "not_found" && refused.headers["connection"] == "close", "\(refused)")
            // Two requests from one curl, which would reuse the connection unless told to close
            // it: the second (no upgrade) is answered, on a connection of its own.
            let curl = try sandbox.spawnTool("curl-upgrade", "/usr/bin/curl", [
                "-sS", "--max-time", "20", "-o", "/dev/null", "-w", "%{http_code} %{num_connects}\n",
            ] + upgrade + [base + "/v1/jobs/\(id)", "--next", "-sS", "--max-time", "20", "-o", "/dev/null",
                           "-w", "%{http_code} %{num_connects}\n", base + "/v1/jobs/\(id)"])
            #expect(curl.waitForExit(timeout: .seconds(60)) && curl.exitStatus == 0, "\(curl.exitDescription) \(curl.stderr)")
            #expect(curl.stdout == "200 1\n200 1\n", "\(curl.stdout)")
        }

        /// A connection that sends nothing, and one whose body stops coming, are closed after
        /// `--http-idle-timeout`, so silent connections cannot hold the listener; it still serves.
        @Test func silentConnectionsAreClosed() throws {
            let sandbox = try Sandbox("http-idle")
            defer { sandbox.close() }
            let dispatcher = try sandbox.startDispatcher(extra: ["--http", "127.0.0.1:0", "--http-idle-timeout", "1"])
            let address = try sandbox.httpAddress(of: dispatcher)
            let (host, port) = try #require(address.lastIndex(of: ":").map { (String(address[..<$0]), String(address[address.index(after: $0)...])) })
            // Each connection reads until the server closes it (or 60 s pass: then "open").
            let script = """
                import socket, sys
                def closed(first):
                    s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
                    s.settimeout(60)
                    s.sendall(first)
                    try:
                        while s.recv(4096): pass
                        return "closed"
                    except socket.timeout:
                        return "open"
                print(closed(b""), closed(b"POST /v1/jobs/system.echo HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 100\\r\\n\\r\\n{}"))
                """
            let client = try sandbox.spawnTool("idle-client", "/usr/bin/python3", ["-c", script, host, port])
            #expect(client.waitForExit(timeout: .seconds(150)) && client.exitStatus == 0, "\(client.exitDescription) \(client.stderr)")
            #expect(client.stdout == "closed closed\n", "\(client.stdout)")
            #expect(try sandbox.curl(["http://\(address)/v1/jobs/1"]).problemCode == "unknown_job")
        }

        /// A request that would be a message over the dispatcher's `--max-message-bytes` is
        /// refused by the API (413), never sent: libzmq would drop the gateway's connection and
        /// everyone's requests on it. The next requests are answered; a `:batch` over one
        /// message goes in several; a `:batch` of more than 10,000 lines and small JSON bodies
        /// over their limit are refused.
        @Test func oversizedRequestsAreRefusedBeforeTheDispatcher() throws {
            let sandbox = try Sandbox("http-oversize")
            defer { sandbox.close() }
            let dispatcher = try sandbox.startDispatcher(extra: ["--http", "127.0.0.1:0", "--max-message-bytes", "65536"])
            let base = "http://" + (try sandbox.httpAddress(of: dispatcher))
            _ = try sandbox.startWorker("echo", connect: dispatcher.workerEndpoint)
            _ = try sandbox.waitForWorker("echo", endpoint: dispatcher.clientEndpoint)
            let line = "\"" + String(repeating: "x", count: 998) + "\""
            // Over the message size as a body, and as a message though not as a body.
            for (name, bytes) in [("huge.json", 300_000), ("near.json", 65_500)] {
                let payload = try sandbox.writeFile(name, "\"" + String(repeating: "x", count: bytes - 2) + "\"")
                let refused = try sandbox.curl(["--data-binary", "@" + payload.path, base + "/v1/jobs/system.echo"])
                #expect(refused.status == 413 && refused.problemCode == "too_large", "\(name): \(refused)")
            }
            let hugeLine = try sandbox.writeFile("huge.jsonl", "{}\n\"" + String(repeating: "x", count: 300_000) + "\"\n")
            let refusedLines = try sandbox.curl(["-H", "Content-Type: application/jsonl", "--data-binary", "@" + hugeLine.path, base + "/v1/jobs/system.echo:batch"])
            #expect(refusedLines.problemCode == "too_large", "\(refusedLines)")
            // Another caller's requests go on: a job, and 200 lines of 1 KB (three messages' worth).
            let accepted = try sandbox.curl(["--data-binary", "{}", base + "/v1/jobs/system.echo"])
            #expect(accepted.status == 202, "\(accepted)")
            let lines = try sandbox.writeFile("lines.jsonl", String(repeating: line + "\n", count: 200))
            let batch = try sandbox.curl(["-H", "Content-Type: application/jsonl", "--data-binary", "@" + lines.path, base + "/v1/jobs/system.echo:batch"])
            #expect(batch.status == 202 && ((try? JSON.object(batch.body))?["jobs"] as? [Any])?.count == 200, "\(batch.status) \(batch.headers)")
            let id = try #require((try JSON.object(accepted.body))["id"] as? String, "\(accepted)")
            let done = try sandbox.curl([base + "/v1/jobs/\(id)?wait=30"])
            #expect((try? JSON.object(done.body))?["state"] as? String == "completed", "\(done)")

            let tooMany = try sandbox.writeFile("many.jsonl", String(repeating: "{}\n", count: 10_001))
            let refusedMany = try sandbox.curl(["-H", "Content-Type: application/jsonl", "--data-binary", "@" + tooMany.path, base + "/v1/jobs/system.echo:batch"])
            #expect(refusedMany.problemCode == "too_large" && refusedMany.body.contains("10000 lines"), "\(refusedMany)")
            let bigJSON = try sandbox.writeFile("big.json", #"{"ids":["# + String(repeating: #""1","#, count: 20_000) + #""1"]}"#)
            for route in ["/v1/batches", "/v1/dead-letters:retry"] {
                let refused = try sandbox.curl(["-H", "Content-Type: application/json", "--data-binary", "@" + bigJSON.path, base + route])
                #expect(refused.problemCode == "too_large", "\(route): \(refused)")
            }
        }

        /// A long-poll ends when its client goes away: an identity's 16 long-polls on a job that
        /// never completes (no worker), each abandoned by its client, free their slots long
        /// before their 60 s are over, so the identity may long-poll again.
        @Test func longPollsEndWhenTheirClientLeaves() throws {
            let sandbox = try Sandbox("http-departure")
            defer { sandbox.close() }
            let dispatcher = try sandbox.startDispatcher(extra: ["--http", "127.0.0.1:0"])
            let base = "http://" + (try sandbox.httpAddress(of: dispatcher))
            let queued = try sandbox.curl(["--data-binary", "{}", base + "/v1/jobs/system.echo"])
            let id = try #require((try JSON.object(queued.body))["id"] as? String, "\(queued)")
            // One curl, 16 long-polls that it gives up after a second.
            let polls = (1...16).flatMap { _ in ["-o", "/dev/null", base + "/v1/jobs/\(id)?wait=60"] }
            let leaving = try sandbox.spawnTool("curl-leaving", "/usr/bin/curl", ["-s", "--parallel", "--parallel-immediate", "--max-time", "1"] + polls)
            #expect(leaving.waitForExit(timeout: .seconds(30)), "\(leaving.exitDescription)")
            let answered = try sandbox.eventually("a long-poll after the 16 were abandoned", timeout: .seconds(40)) { () -> CurlResponse? in
                let answer = try sandbox.curl([base + "/v1/jobs/\(id)?wait=1"])
                return answer.status == 200 ? answer : nil
            }
            #expect((try? JSON.object(answered.body))?["state"] as? String == "queued", "\(answered)")
        }

        /// Four `:batch` requests of 10,000 lines at once (40,000 jobs, 40 MB): each is answered
        /// 202 with all its jobs, none 503 (the gateway's pool keeps every SUBMIT's reply).
        @Test func fourConcurrentFullBatchesAreAllAccepted() throws {
            let sandbox = try Sandbox("http-batches")
            defer { sandbox.close() }
            let dispatcher = try sandbox.startDispatcher(extra: ["--http", "127.0.0.1:0"])
            let url = "http://" + (try sandbox.httpAddress(of: dispatcher)) + "/v1/jobs/system.echo:batch"
            let lines = try sandbox.writeFile("lines.jsonl", String(repeating: "\"" + String(repeating: "x", count: 998) + "\"\n", count: 10_000))
            let transfers = (1...4).flatMap { _ in ["-o", "/dev/null", url] }
            let curl = try sandbox.spawnTool("curl-batches", "/usr/bin/curl", [
                "-sS", "--parallel", "--parallel-immediate", "--max-time", "240", "-H", "Content-Type: application/jsonl",
                "--data-binary", "@" + lines.path, "-w", "%{http_code}\n",
            ] + transfers)
            #expect(curl.waitForExit(timeout: .seconds(300)) && curl.exitStatus == 0, "\(curl.exitDescription) \(curl.stderr)")
            #expect(curl.stdout == String(repeating: "202\n", count: 4), "\(curl.stdout)")
        }

        /// docs/openapi.yaml, from this file's place in the repository.
        static let openAPIDocument = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")
    }
}
