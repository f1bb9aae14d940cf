import Foundation
import Testing

extension SystemTests {
    /// submit → worker → result stored; `job ID` shows it; `submit --wait` prints the stored document;
    /// everything under the data directory is private to the service account.
    @Test func submitRunsOnAWorkerAndStoresTheResult() throws {
        let sandbox = try Sandbox("submit")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        _ = try sandbox.startWorker("w1", connect: dispatcher.workerEndpoint)
        let client = dispatcher.clientEndpoint

        let payload = try sandbox.writeFile("payload.json", #"{"hello":"world","n":7}"#)
        let submitted = try sandbox.cli(["submit", "system.echo", payload.path, "--connect", client, "--timeout", "20"])
        #expect(submitted.status == 0, "\(submitted)")
        let ids = try jobIds(submitted)
        try #require(ids.count == 1, "\(submitted)")
        let id = ids[0]

        let job = try sandbox.eventually("job \(id) to complete") { () -> [String: Any]? in
            let shown = try sandbox.cli(["job", String(id), "--connect", client, "--timeout", "20"])
            let document = try shown.json()
            return document["state"] as? String == "completed" ? document : nil
        }
        #expect(job["id"] as? String == String(id))
        #expect(job["kind"] as? String == "system.echo")
        #expect(job["attempts"] as? Int == 1)
        #expect(job["error"] is NSNull)
        let result = try #require(job["result"] as? [String: Any], "job document has no result object: \(job)")
        #expect(taskId(result) == id)
        #expect(result["kind"] as? String == "system.echo")
        #expect(result["worker"] as? String == "w1")
        #expect(JSON.equal(result["result"], JSON.parse(#"{"hello":"world","n":7}"#)), "\(result)")

        // The store holds exactly that document, once.
        let stored = sandbox.storeDocuments(kind: "system.echo")
        #expect(stored.count == 1, "\(stored)")
        #expect(stored.first.flatMap(taskId) == id)
        #expect(JSON.equal(stored.first?["result"], result["result"]))

        // --wait prints the stored result document as one JSON line; here the payload comes from standard input.
        let waited = try sandbox.cli(["submit", "system.echo", "-", "--wait", "--connect", client, "--timeout", "20"], stdin: payload)
        #expect(waited.status == 0, "\(waited)")
        #expect(waited.lines.count == 1, "\(waited)")
        let document = try waited.json()
        #expect(document["kind"] as? String == "system.echo")
        let waitedId = try #require(taskId(document), "no taskId in \(document)")
        #expect(waitedId != id)
        #expect(JSON.equal(document["result"], JSON.parse(#"{"hello":"world","n":7}"#)), "\(document)")
        #expect(sandbox.storeDocuments(kind: "system.echo").compactMap(taskId).sorted() == [id, waitedId].sorted())

        // status --json: the worker and the kind's counters.
        let status = try sandbox.cli(["status", "--json", "--connect", client]).json()
        #expect(Status.worker(status, named: "w1")?["protocol"] as? String == "native")
        #expect(Status.queue(status, "system.echo")["completed"] == 2, "\(status)")
        #expect(status["deadLetters"] as? Int == 0)

        // Household data lives here later: files 0600, directories 0700, the data directory included.
        var checked = 0
        let root = sandbox.dataDir.path
        var paths = [root]
        paths += (FileManager.default.subpaths(atPath: root) ?? []).map { root + "/" + $0 }
        for path in paths {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
            let isDirectory = attributes[.type] as? FileAttributeType == .typeDirectory
            let expected = isDirectory ? 0o700 : 0o600
            #expect(mode == expected, "\(path) has mode \(String(mode, radix: 8)), expected \(String(expected, radix: 8))")
            checked += 1
        }
        #expect(checked >= 4, "expected the journal and a store segment under \(root): \(paths)")
    }

    /// A result may nest deeper than the CLI's JSON reader goes (64 levels; the dispatcher
    /// accepts up to 512): `submit --wait` and `job ID` read only the job's own members and
    /// print the result as stored.
    @Test func aResultNestedDeeperThanTheReaderGoesIsShownAsStored() throws {
        let sandbox = try Sandbox("deep-result")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        _ = try sandbox.startWorker("w1", connect: dispatcher.workerEndpoint)
        let client = dispatcher.clientEndpoint
        let nested = String(repeating: "[", count: 100) + "7" + String(repeating: "]", count: 100)
        let payload = try sandbox.writeFile("deep.json", nested)

        let waited = try sandbox.cli(["submit", "system.echo", payload.path, "--wait", "--connect", client, "--timeout", "20"])
        #expect(waited.status == 0, "\(waited)")
        #expect(waited.stdout.contains(#""result":\#(nested)"#), "\(waited)")
        let id = try #require(taskId(try waited.json()), "\(waited)")
        let shown = try sandbox.cli(["job", String(id), "--connect", client, "--timeout", "20"])
        #expect(shown.status == 0, "\(shown)")
        #expect(try shown.json()["state"] as? String == "completed", "\(shown)")
        #expect(shown.stdout.contains(nested), "\(shown)")
    }

    /// The same idempotency key returns the same job; another key makes another job; one document per job.
    @Test func resubmittingWithTheSameKeyReturnsTheSameJob() throws {
        let sandbox = try Sandbox("idempotent")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        _ = try sandbox.startWorker("w1", connect: dispatcher.workerEndpoint)
        let client = dispatcher.clientEndpoint
        let payload = try sandbox.writeFile("payload.txt", "same work")

        func submit(key: String) throws -> UInt64 {
            let result = try sandbox.cli(["submit", "system.echo", payload.path, "--key", key, "--connect", client, "--timeout", "20"])
            #expect(result.status == 0, "\(result)")
            let ids = try jobIds(result)
            guard ids.count == 1 else { throw HarnessError("expected one id: \(result)") }
            return ids[0]
        }
        let first = try submit(key: "order-17")
        let again = try submit(key: "order-17")
        let other = try submit(key: "order-18")
        #expect(first == again)
        #expect(other != first)

        try sandbox.waitForCompleted(2, kind: "system.echo", endpoint: client)
        // After completion, the key still answers with the first job, which stays completed and is not run again.
        #expect(try submit(key: "order-17") == first)
        let jobs = try sandbox.finishedJobs([first, other], endpoint: client)
        #expect(jobs.map { $0["state"] as? String } == ["completed", "completed"])
        #expect(jobs.map { $0["attempts"] as? Int } == [1, 1])

        let stored = sandbox.storeDocuments(kind: "system.echo").compactMap(taskId)
        #expect(stored.sorted() == [first, other].sorted(), "one document per job id, got \(stored)")
        let status = try sandbox.status(client)
        #expect(Status.queue(status, "system.echo")["completed"] == 2, "\(status)")
    }

    /// The exit codes of the CLI contract: 3 unreachable, 2 usage, 1 unknown job / dead job.
    @Test func commandLineExitCodes() throws {
        let sandbox = try Sandbox("exitcodes")
        defer { sandbox.close() }
        let payload = try sandbox.writeFile("payload.txt", "x")

        // Nobody listens on port 1 on the loopback interface.
        let unreachable = try sandbox.cli(["submit", "system.echo", payload.path, "--connect", "tcp://127.0.0.1:1", "--timeout", "1"])
        #expect(unreachable.status == 3, "\(unreachable)")
        #expect(unreachable.stderr.contains("cannot reach"), "\(unreachable)")
        let statusUnreachable = try sandbox.cli(["status", "--json", "--connect", "tcp://127.0.0.1:1", "--timeout", "1"])
        #expect(statusUnreachable.status == 3, "\(statusUnreachable)")

        let dispatcher = try sandbox.startDispatcher()
        let client = dispatcher.clientEndpoint

        let badKind = try sandbox.cli(["submit", "BAD_KIND!", payload.path, "--connect", client])
        #expect(badKind.status == 2, "\(badKind)")
        #expect(badKind.stdout.isEmpty, "\(badKind)")
        let missingFile = try sandbox.cli(["submit", "system.echo", sandbox.root.appendingPathComponent("missing").path, "--connect", client])
        #expect(missingFile.status == 2, "\(missingFile)")
        let missingArgument = try sandbox.cli(["submit", "--connect", client])
        #expect(missingArgument.status == 2, "\(missingArgument)")
        let badTimeout = try sandbox.cli(["status", "--connect", client, "--timeout", "0"])
        #expect(badTimeout.status == 2, "\(badTimeout)")

        // A well-formed kind no worker ever announced is refused by the dispatcher: a usage error too.
        let unknownKind = try sandbox.cli(["submit", "no.such.kind", payload.path, "--connect", client, "--timeout", "20"])
        #expect(unknownKind.status == 2, "\(unknownKind)")
        #expect(unknownKind.stderr.contains("unknown_kind"), "\(unknownKind)")

        let unknownJob = try sandbox.cli(["job", "999999", "--connect", client, "--timeout", "20"])
        #expect(unknownJob.status != 0, "\(unknownJob)")
        #expect(unknownJob.status != 3, "\(unknownJob)")
        #expect(unknownJob.stderr.contains("unknown_job"), "\(unknownJob)")

        // And the dispatcher is fine after all of it.
        let status = try sandbox.cli(["status", "--json", "--connect", client, "--timeout", "20"])
        #expect(status.status == 0, "\(status)")
        #expect(try status.json()["clientEndpoint"] as? String == client)
    }
}
