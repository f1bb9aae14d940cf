#if canImport(Glibc)
import Glibc
#endif
import ChungTayClient
import ChungTayWire
import Foundation
import Synchronization
import Testing
import ZeroMQ

/// A raw socket with a monitor on it, to see from the peer's side whether the dispatcher
/// let it through the handshake, closed it, or refused it.
final class MonitoredPeer {
    let context: ZMQContext
    let socket: ZMQSocket
    private let monitor: ZMQSocket
    private(set) var events: [MonitorEvent] = []

    init(_ type: SocketType = .dealer, connect endpoint: String, curve: CurveClientKeys?) throws {
        context = try ZMQContext()
        socket = try ZMQSocket(context: context, type: type)
        try socket.setLinger(milliseconds: 0)
        try socket.setReceiveTimeout(milliseconds: 0)
        try socket.setSendTimeout(milliseconds: 0)
        try socket.setCurveClient(curve)
        let address = "inproc://monitor-\(UUID().uuidString)"
        try socket.monitor(address)
        monitor = try ZMQSocket(context: context, type: .pair)
        try monitor.setLinger(milliseconds: 0)
        try monitor.setReceiveTimeout(milliseconds: 200)
        try monitor.connect(address)
        try socket.connect(endpoint)
    }

    deinit {
        socket.close()
        monitor.close()
    }

    /// Waits for an event of `kinds` (within `timeout`, which is then an error); returns it.
    @discardableResult
    func await(_ kinds: MonitorEvents, _ what: String, timeout: Duration = .seconds(30)) throws -> MonitorEvent {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let frames = try monitor.receive(), let event = MonitorEvent(frames: frames) else { continue }
            events.append(event)
            if !event.kind.intersection(kinds).isEmpty { return event }
        }
        throw HarnessError("no \(what) within \(timeout); events seen: \(events.map { "\($0.kind.rawValue)/\($0.value)" })")
    }

    /// Whatever the dispatcher sent that got through (nothing, for a refused peer).
    func received() throws -> [[[UInt8]]] {
        var messages: [[[UInt8]]] = []
        while let frames = try socket.receive(dontWait: true) { messages.append(frames) }
        return messages
    }
}

/// What the refusal log checks allow: a refusal is logged once per peer (or principal and
/// command) per minute, so attempts spread over N minutes may be logged up to N + 1 times.
struct RefusalWindow {
    let start = ContinuousClock.now

    var allowance: Int { 1 + Int((ContinuousClock.now - start).components.seconds / 60) }
}

extension Sandbox {
    /// A dispatcher on CURVE with `--log-format text` at info, so every refusal is on its stderr.
    func startCurveDispatcher(_ deployment: CurveDeployment, extra: [String] = []) throws -> DispatcherProcess {
        try startDispatcher(curve: deployment, extra: extra)
    }

    /// The dispatcher's log lines that name `key` by its short id.
    func lines(of dispatcher: DispatcherProcess, naming key: KeyFiles) -> [String] {
        dispatcher.process.stderr.split(separator: "\n").map(String.init).filter { $0.contains(key.shortId) }
    }

    /// No process the test started, and no command's output, ever wrote a whole key.
    func expectNoWholeKey(_ keys: [KeyFiles], in outputs: [CommandResult] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        let texts = children.flatMap { [$0.stderr, $0.stdout] } + outputs.flatMap { [$0.stdout, $0.stderr] }
        for key in keys {
            #expect(!texts.contains { $0.contains(key.publicKey) }, "the whole public key of \(key.name) was logged", sourceLocation: sourceLocation)
        }
    }

    /// A batch's status as one of its owner's (or an operator's) keys sees it.
    func batchStatus(_ reference: String, endpoint: String, as keys: CurveClientKeys) throws -> BatchStatus {
        try DispatcherClient(endpoint: endpoint, timeout: .seconds(10), curve: keys).batchStatus(reference).status
    }
}

/// A refusal: nothing on standard output, and either an error reply `forbidden` (exit 1 or
/// more, the code on standard error) or a refused handshake (exit 3, "refused this key",
/// as the README's exit codes say).
func expectRefused(_ result: CommandResult, forbidden: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status != 0 && result.status != nil, "\(result)", sourceLocation: sourceLocation)
    #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "a refused command printed: \(result)", sourceLocation: sourceLocation)
    if forbidden {
        #expect(result.stderr.contains("forbidden"), "\(result)", sourceLocation: sourceLocation)
    } else {
        #expect(result.status == 3 && result.stderr.contains("refused this key"), "\(result)", sourceLocation: sourceLocation)
    }
}

/// The error code of a call the dispatcher answered with an error reply; nil for an answer.
func refusalCode(_ call: () throws -> ClientReply) throws -> String? {
    do {
        _ = try call()
        return nil
    } catch ClientError.refused(let code, _) {
        return code
    }
}

extension SystemTests {
    /// Issue 12's attacks against a CURVE dispatcher on 127.0.0.1: nested in `SystemTests`, so
    /// serialized with every other system test, and selectable with `--filter SecurityTests`.
    @Suite struct SecurityTests {
        /// Without --curve-secret the dispatcher will not bind a non-loopback address, and says
        /// why and what to do; `--insecure` lets it.
        @Test func plainDispatcherRefusesNonLoopbackEndpointsUnlessInsecure() throws {
            let sandbox = try Sandbox("insecure")
            defer { sandbox.close() }
            for (flag, endpoint) in [("--client-endpoint", "tcp://0.0.0.0:*"), ("--worker-endpoint", "tcp://0.0.0.0:*")] {
                let refused = try sandbox.cli(["dispatcher", "--data-dir", sandbox.dataDir.path, flag, endpoint])
                // Exit 2: a usage error, as the README lists the exit codes.
                #expect(refused.status == 2, "\(refused)")
                #expect(refused.stderr.contains("not a loopback address") && refused.stderr.contains("--insecure")
                        && refused.stderr.contains("--curve-secret") && refused.stderr.contains("0.0.0.0"), "\(refused)")
                #expect(refused.stdout.isEmpty, "\(refused)")
            }
            #expect(!FileManager.default.fileExists(atPath: sandbox.dataDir.path), "a refused start left a data directory")
            let open = try sandbox.startDispatcher(clientEndpoint: "tcp://0.0.0.0:*", extra: ["--insecure"])
            #expect(open.clientEndpoint.hasPrefix("tcp://0.0.0.0:"), "\(open.clientEndpoint)")
            _ = try sandbox.startWorker("A", connect: open.workerEndpoint)
            let port = try #require(open.clientEndpoint.split(separator: ":").last)
            let payload = try sandbox.writeFile("payload.txt", "{\"n\":1}")
            let done = try sandbox.cli(["submit", "--wait", "system.echo", payload.path, "--connect", "tcp://127.0.0.1:\(port)"])
            #expect(done.status == 0, "\(done)")
        }

        /// A peer with a key the allow directory does not hold, and a peer with no key at all
        /// (NULL), are refused at the handshake on every endpoint; the unknown key is logged
        /// with its short id, once however often it tries; nothing reaches either.
        @Test func unknownKeysAndKeylessPeersAreRefusedAtTheHandshake() throws {
            let sandbox = try Sandbox("curve-unknown")
            defer { sandbox.close() }
            let keys = try sandbox.curveDeployment()
            let stranger = try sandbox.generateKey("stranger")
            let dispatcher = try sandbox.startCurveDispatcher(keys)
            let window = RefusalWindow()
            let payload = try sandbox.writeFile("payload.txt", "{\"secret\":\"0987654321\"}")

            var outputs: [CommandResult] = []
            for _ in 0..<2 {
                let submitted = try sandbox.cli(["submit", "system.echo", payload.path, "--connect", dispatcher.clientEndpoint, "--timeout", "5"]
                                                + keys.arguments(stranger))
                expectRefused(submitted, forbidden: false)
                outputs.append(submitted)
            }
            let logs = try sandbox.cli(["logs", "--connect", dispatcher.logEndpoint, "--timeout", "5"] + keys.arguments(stranger))
            expectRefused(logs, forbidden: false)
            outputs.append(logs)

            // The peer's own view: the handshake is refused (ZAP status 400), on all three sockets.
            for endpoint in [dispatcher.clientEndpoint, dispatcher.workerEndpoint, dispatcher.logEndpoint] {
                let peer = try MonitoredPeer(connect: endpoint, curve: try keys.clientKeys(stranger))
                let refused = try peer.await(.handshakeFailedAuth, "refused handshake at \(endpoint)")
                #expect(refused.value == 400, "ZAP status \(refused.value)")
                #expect(!peer.events.contains { $0.kind == .handshakeSucceeded })
                #expect(try peer.received().isEmpty)
            }
            // A keyless (NULL) peer fails the handshake: the mechanisms differ.
            for endpoint in [dispatcher.clientEndpoint, dispatcher.workerEndpoint, dispatcher.logEndpoint] {
                let keylessPeer = try MonitoredPeer(connect: endpoint, curve: nil)
                try keylessPeer.await([.handshakeFailedProtocol, .handshakeFailedNoDetail, .handshakeFailedAuth], "keyless handshake failure at \(endpoint)")
                #expect(!keylessPeer.events.contains { $0.kind == .handshakeSucceeded })
                #expect(try keylessPeer.received().isEmpty)
            }
            let plainSubmit = try sandbox.cli(["submit", "system.echo", payload.path, "--connect", dispatcher.clientEndpoint, "--timeout", "5"])
            expectRefused(plainSubmit, forbidden: false)
            outputs.append(plainSubmit)

            // Nothing was accepted, as an operator sees it.
            #expect(Status.queue(try sandbox.status(dispatcher.clientEndpoint), "system.echo").values.allSatisfy { $0 == 0 })
            let logged = try sandbox.eventually("the refusal of \(stranger.shortId) logged") { () -> [String]? in
                let lines = sandbox.lines(of: dispatcher, naming: stranger)
                return lines.isEmpty ? nil : lines
            }
            #expect(logged.count <= window.allowance, "refusals of one key logged more than once a minute: \(logged)")
            // Keyless peers have no key to name: their failures are logged per socket (three), once a minute.
            let keyless = dispatcher.process.stderr.split(separator: "\n").filter { $0.contains("without a key") }
            #expect(!keyless.isEmpty && keyless.count <= 3 * window.allowance, "keyless handshake failures: \(keyless)\n\(dispatcher.process.stderr)")
            sandbox.expectNoWholeKey([stranger, keys.server, keys.operatorKey], in: outputs)
            #expect(dispatcher.process.isRunning)
        }

        /// A client key cannot serve as a worker, and a worker key limited to some kinds cannot
        /// announce others: neither registers, neither gets a task; the admitted worker does
        /// every job.
        @Test func clientKeysCannotServeAndWorkersKeepToTheirKinds() throws {
            let sandbox = try Sandbox("curve-worker")
            defer { sandbox.close() }
            let keys = try sandbox.curveDeployment()
            let client = try sandbox.generateKey("teller")
            let limited = try sandbox.generateKey("reviewer")
            let worker = try sandbox.generateKey("echoer")
            try sandbox.admit(client, as: .clients)
            try sandbox.admit(limited, as: .workers, kinds: ["household.review"])
            try sandbox.admit(worker, as: .workers)
            let dispatcher = try sandbox.startCurveDispatcher(keys)
            let window = RefusalWindow()

            // The client key on the worker socket: ZAP refuses it (chungtay.worker admits workers/ only).
            let impostor = try MonitoredPeer(connect: dispatcher.workerEndpoint, curve: try keys.clientKeys(client))
            try? impostor.socket.send(WorkerMessage.ready(name: "impostor", kinds: ["system.echo"], credit: 10).encode(), dontWait: true)
            #expect(try impostor.await(.handshakeFailedAuth, "the client key refused on the worker socket").value == 400)
            _ = try sandbox.startWorker("impostor-cli", connect: dispatcher.workerEndpoint, extra: keys.arguments(client))

            // The limited key announcing system.echo: an ERROR forbidden, not registered.
            let outOfKind = try MonitoredPeer(connect: dispatcher.workerEndpoint, curve: try keys.clientKeys(limited))
            try outOfKind.await(.handshakeSucceeded, "the limited worker key's handshake")
            _ = try outOfKind.socket.send(WorkerMessage.ready(name: "out-of-kind", kinds: ["system.echo"], credit: 10).encode())
            let reply = try sandbox.eventually("an answer to the out-of-kind READY") { () -> [[UInt8]]? in try outOfKind.received().first }
            let message = try WorkerMessage.decode(reply.dropFirst())
            guard case .error(let code, _) = message else {
                Issue.record("the out-of-kind READY got \(message), not an ERROR")
                return
            }
            #expect(code == "forbidden")
            _ = try sandbox.startWorker("out-of-kind-cli", connect: dispatcher.workerEndpoint, extra: keys.arguments(limited))

            _ = try sandbox.startWorker("echoer", connect: dispatcher.workerEndpoint, extra: keys.arguments(worker))
            try sandbox.waitForWorker("echoer", kind: "system.echo", endpoint: dispatcher.clientEndpoint)
            let payloads = try sandbox.writeFile("jobs.txt", numberedLines(40))
            let submitted = try sandbox.cli(["submit", "--lines", "--wait", "system.echo", payloads.path, "--connect", dispatcher.clientEndpoint]
                                            + keys.arguments(client), timeout: .seconds(120))
            #expect(submitted.status == 0, "\(submitted)")
            let documents = try submitted.lines.map { try JSON.object($0) }
            #expect(documents.count == 40)
            #expect(documents.allSatisfy { $0["worker"] as? String == "echoer" }, "\(documents.compactMap { $0["worker"] })")

            let registered = Status.workers(try sandbox.status(dispatcher.clientEndpoint)).compactMap { $0["name"] as? String }
            #expect(registered == ["echoer"], "\(registered)")
            #expect(try impostor.received().isEmpty)
            let toOutOfKind = try outOfKind.received().compactMap { try? WorkerMessage.decode($0.dropFirst()) }
            #expect(!toOutOfKind.contains { if case .tasks = $0 { true } else { false } }, "a task reached the out-of-kind worker")

            for key in [client, limited] {
                let lines = try sandbox.eventually("the refusal of \(key.name) logged") { () -> [String]? in
                    let lines = sandbox.lines(of: dispatcher, naming: key)
                    return lines.isEmpty ? nil : lines
                }
                // Two peers each (a raw socket and a CLI worker, retrying): once per peer and minute.
                #expect(lines.count <= 2 * window.allowance, "\(key.name): \(lines)")
            }
            sandbox.expectNoWholeKey([client, limited, worker, keys.server], in: [submitted])
        }

        /// A worker key cannot submit, read a job, follow logs or ask for status: the client
        /// and log sockets refuse it at the handshake.
        @Test func workerKeysCannotSubmitOrReadLogs() throws {
            let sandbox = try Sandbox("curve-worker-client")
            defer { sandbox.close() }
            let keys = try sandbox.curveDeployment()
            let worker = try sandbox.generateKey("echoer")
            try sandbox.admit(worker, as: .workers)
            let dispatcher = try sandbox.startCurveDispatcher(keys)
            _ = try sandbox.startWorker("echoer", connect: dispatcher.workerEndpoint, extra: keys.arguments(worker))
            try sandbox.waitForWorker("echoer", endpoint: dispatcher.clientEndpoint)
            let window = RefusalWindow()
            let payload = try sandbox.writeFile("payload.txt", "{\"n\":1}")
            var outputs: [CommandResult] = []
            for arguments in [
                ["submit", "system.echo", payload.path, "--connect", dispatcher.clientEndpoint],
                ["job", "1", "--connect", dispatcher.clientEndpoint],
                ["status", "--connect", dispatcher.clientEndpoint],
                ["logs", "--connect", dispatcher.logEndpoint],
            ] {
                let result = try sandbox.cli(arguments + ["--timeout", "5"] + keys.arguments(worker))
                expectRefused(result, forbidden: false)
                outputs.append(result)
            }
            for endpoint in [dispatcher.clientEndpoint, dispatcher.logEndpoint] {
                let peer = try MonitoredPeer(connect: endpoint, curve: try keys.clientKeys(worker))
                #expect(try peer.await(.handshakeFailedAuth, "the worker key refused at \(endpoint)").value == 400)
            }
            #expect(Status.queue(try sandbox.status(dispatcher.clientEndpoint), "system.echo").values.allSatisfy { $0 == 0 }, "a job got in")
            let lines = try sandbox.eventually("the refusal of the worker key logged") { () -> [String]? in
                let lines = sandbox.lines(of: dispatcher, naming: worker).filter { $0.lowercased().contains("refus") }
                return lines.isEmpty ? nil : lines
            }
            // Four CLI runs and two raw peers, all from 127.0.0.1 with one key: once a minute.
            #expect(lines.count <= window.allowance, "\(lines)")
            sandbox.expectNoWholeKey([worker, keys.server], in: outputs)
        }

        /// A batch with keys (a client, two workers) completes; the batch's `submittedBy` and
        /// the audit trail name the client's principal and key. Another client can neither
        /// follow, seal nor read that batch, its results or its jobs, and lists only its own
        /// batches; an operator sees both.
        @Test func aClientSeesOnlyItsOwnBatchesJobsAndResults() throws {
            let sandbox = try Sandbox("curve-owner")
            defer { sandbox.close() }
            let keys = try sandbox.curveDeployment()
            let alice = try sandbox.generateKey("alice")
            let bob = try sandbox.generateKey("bob")
            try sandbox.admit(alice, as: .clients)
            try sandbox.admit(bob, as: .clients)
            var workerKeys: [KeyFiles] = []
            for name in ["w1", "w2"] {
                let key = try sandbox.generateKey(name)
                try sandbox.admit(key, as: .workers)
                workerKeys.append(key)
            }
            let dispatcher = try sandbox.startCurveDispatcher(keys)
            let endpoint = dispatcher.clientEndpoint
            for (name, key) in zip(["w1", "w2"], workerKeys) {
                _ = try sandbox.startWorker(name, connect: dispatcher.workerEndpoint, kinds: pipelineKinds + ",system.echo", extra: keys.arguments(key))
            }
            let input = try sandbox.demoData(households: 60, seed: 41, badRate: 0)
            let households = input.appendingPathComponent("households.jsonl")
            let submitted = try sandbox.cli([
                "batch", "submit", "--households", households.path, "--loans", input.appendingPathComponent("loans.jsonl").path,
                "--as-of", "2026-11-27", "--name", "alices", "--wait", "--chunk-size", "10", "--connect", endpoint,
            ] + keys.arguments(alice), timeout: .seconds(180))
            #expect(submitted.status == 0, "\(submitted)")
            let id = try #require(batchId(submitted), "\(submitted)")
            let status = try JSON.object(try sandbox.cli(["batch", "status", id, "--json", "--connect", endpoint] + keys.arguments(alice)).stdout)
            #expect(status["state"] as? String == "complete", "\(status)")
            #expect((status["audit"] as? [String: Any])?["submittedBy"] as? String == "clients/alice", "\(status)")
            let reviewers = Set(sandbox.batchDocuments("household.review", batch: id).compactMap { $0["worker"] as? String })
            #expect(reviewers.isSubset(of: ["w1", "w2"]) && !reviewers.isEmpty)
            let records = try jsonLines(households).map(\.record)
            #expect(sandbox.batchDocuments("household.review", batch: id).count == records.count)

            let audit = try sandbox.auditEntries(["--batch", id])
            for event in ["batch.opened", "batch.sealed", "jobs.submitted"] {
                let entries = audit.filter { $0["event"] as? String == event }
                #expect(!entries.isEmpty, "no \(event)")
                for entry in entries {
                    let client = entry["client"] as? [String: Any] ?? [:]
                    #expect(client["principal"] as? String == "clients/alice", "\(entry)")
                    #expect(client["key"] as? String == alice.shortId, "\(entry)")
                }
            }

            // Alice's own job outside the batch.
            let payload = try sandbox.writeFile("payload.txt", "{\"n\":7}")
            let own = try sandbox.cli(["submit", "system.echo", payload.path, "--connect", endpoint] + keys.arguments(alice))
            let jobId = try #require(try jobIds(own).first, "\(own)")
            let code = try #require(records.compactMap { $0["householdCode"] as? String }.first)
            let bobsHouseholds = try sandbox.writeFile("bob.jsonl", """
                {"householdCode":"BOB-1","headName":"Lò Văn Bốn","commune":"Gia An","members":"3","monthlyIncomePerCapita":"900000"}

                """)
            let bobsBatch = try sandbox.cli([
                "batch", "submit", "--households", bobsHouseholds.path, "--as-of", "2026-11-27", "--name", "bobs", "--connect", endpoint,
            ] + keys.arguments(bob), timeout: .seconds(120))
            #expect(bobsBatch.status == 0, "\(bobsBatch)")
            let bobsId = try #require(batchId(bobsBatch), "\(bobsBatch)")

            let window = RefusalWindow()
            var refusals: [CommandResult] = []
            for arguments in [
                ["batch", "status", id], ["batch", "status", "alices"], ["results", "show", code, "--batch", id],
                ["job", String(jobId)],
            ] {
                for _ in 0..<2 {
                    let result = try sandbox.cli(arguments + ["--connect", endpoint] + keys.arguments(bob))
                    expectRefused(result, forbidden: true)
                    refusals.append(result)
                }
            }
            // Without --batch: bob finds no document of alice's batch.
            let unscoped = try sandbox.cli(["results", "show", code, "--connect", endpoint] + keys.arguments(bob))
            #expect(!unscoped.stdout.contains(id), "\(unscoped)")
            #expect(!(try unscoped.lines.compactMap { try? JSON.object($0) }.contains { $0["batchId"] as? String == id }))
            let bobClient = try DispatcherClient(endpoint: endpoint, timeout: .seconds(10), curve: try keys.clientKeys(bob))
            #expect(try refusalCode { try bobClient.call(.batchSeal(BatchSealing(batchId: id, householdChunks: 0, loanChunks: 0, inputErrors: 0))) }
                    == "forbidden")
            #expect(try refusalCode { try bobClient.call(.wait([jobId])) } == "forbidden")
            #expect(try refusalCode { try bobClient.call(.results(key: code, batchId: id)) } == "forbidden")
            let bobsList = try sandbox.cli(["batch", "list", "--json", "--connect", endpoint] + keys.arguments(bob))
            #expect(bobsList.status == 0, "\(bobsList)")
            #expect(bobsList.stdout.contains(bobsId) && !bobsList.stdout.contains(id), "\(bobsList)")
            let operatorList = try sandbox.cli(["batch", "list", "--json", "--connect", endpoint] + keys.arguments(keys.operatorKey))
            #expect(operatorList.stdout.contains(bobsId) && operatorList.stdout.contains(id), "\(operatorList)")
            // The refused batch is as alice left it.
            #expect(try sandbox.batchStatus(id, endpoint: endpoint, as: try keys.clientKeys(alice)).state == "complete")

            // Nothing of alice's households reached bob.
            for result in refusals + [unscoped, bobsList] {
                for record in records {
                    for field in ["citizenId", "phone", "headName"] {
                        guard let value = record[field] as? String, value.utf8.count >= 6 else { continue }
                        #expect(!result.stdout.contains(value) && !result.stderr.contains(value), "bob saw a \(field): \(result)")
                    }
                }
            }
            let logged = sandbox.lines(of: dispatcher, naming: bob).filter { $0.contains("forbidden") || $0.lowercased().contains("refus") }
            #expect(!logged.isEmpty, "bob's refusals are not logged with his short id")
            // Once per command a minute: BATCH-STATUS, RESULTS, JOB, WAIT and BATCH-SEAL, each asked twice.
            #expect(logged.count <= 5 * window.allowance, "\(logged)")
            sandbox.expectNoWholeKey([alice, bob, keys.server] + workerKeys, in: refusals)
        }

        /// A key removed from the allow directory loses its open connections on SIGHUP and is
        /// refused from then on; a removed worker's key gets no more tasks.
        @Test func aKeyRevokedBySighupIsDisconnectedAndRefused() throws {
            let sandbox = try Sandbox("curve-revoke")
            defer { sandbox.close() }
            let keys = try sandbox.curveDeployment()
            let carol = try sandbox.generateKey("carol")
            let staying = try sandbox.generateKey("staying")
            let leaving = try sandbox.generateKey("leaving")
            try sandbox.admit(carol, as: .clients)
            try sandbox.admit(staying, as: .workers)
            try sandbox.admit(leaving, as: .workers)
            let dispatcher = try sandbox.startCurveDispatcher(keys)
            let endpoint = dispatcher.clientEndpoint
            _ = try sandbox.startWorker("leaving", connect: dispatcher.workerEndpoint, extra: keys.arguments(leaving))
            try sandbox.waitForWorker("leaving", endpoint: endpoint)

            // Carol's open connections: a call answered on each (the dispatcher learns a
            // connection's key from its messages), one of them a socket the test watches.
            let carolClient = try DispatcherClient(endpoint: endpoint, timeout: .seconds(5), curve: try keys.clientKeys(carol))
            guard case .batchInfo = try carolClient.call(.batchList) else { throw HarnessError("carol's BATCH-LIST was not answered") }
            let carolPeer = try MonitoredPeer(connect: endpoint, curve: try keys.clientKeys(carol))
            try carolPeer.await(.handshakeSucceeded, "carol's handshake")
            _ = try carolPeer.socket.send(ClientMessage(requestId: 1, body: ClientRequest.batchList).encode())
            try sandbox.eventually("the answer on carol's watched connection") { () -> Bool? in try carolPeer.received().isEmpty ? nil : true }

            try sandbox.revoke(carol, from: .clients)
            try sandbox.revoke(leaving, from: .workers)
            sandbox.reloadAllowList(dispatcher)
            try carolPeer.await(.disconnected, "carol's connection closed by the reload")
            #expect(try carolPeer.await(.handshakeFailedAuth, "carol's reconnection refused").value == 400)
            // On a thread of its own: a call that never returns must fail this test, not hang the suite.
            let answered = DispatchSemaphore(value: 0)
            let outcome = Mutex<Result<ClientReply, ClientError>?>(nil)
            nonisolated(unsafe) let revokedClient = carolClient
            Thread {
                let result = Result { () throws(ClientError) -> ClientReply in try revokedClient.call(.batchList) }
                outcome.withLock { $0 = result }
                answered.signal()
            }.start()
            if answered.wait(timeout: .now() + 60) == .timedOut {
                Issue.record("a revoked client's call did not return within 60 s (its --timeout is 5 s)")
            } else if case .success(let reply) = outcome.withLock({ $0 }) {
                Issue.record("a revoked client's call was answered: \(reply)")
            }
            let payload = try sandbox.writeFile("payload.txt", "{\"n\":1}")
            let refused = try sandbox.cli(["submit", "system.echo", payload.path, "--connect", endpoint, "--timeout", "5"] + keys.arguments(carol))
            expectRefused(refused, forbidden: false)
            try sandbox.eventually("the revoked worker gone") { () -> Bool? in
                Status.worker(try sandbox.status(endpoint), named: "leaving") == nil ? true : nil
            }

            // Work submitted after the reload runs only on the worker still admitted.
            let client = try sandbox.generateKey("dave")
            try sandbox.admit(client, as: .clients)
            sandbox.reloadAllowList(dispatcher)
            _ = try sandbox.startWorker("staying", connect: dispatcher.workerEndpoint, extra: keys.arguments(staying))
            let payloads = try sandbox.writeFile("jobs.txt", numberedLines(30))
            let done = try sandbox.eventually("dave admitted after the second reload") { () -> CommandResult? in
                let result = try sandbox.cli(["submit", "--lines", "--wait", "system.echo", payloads.path, "--connect", endpoint, "--timeout", "60"]
                                             + keys.arguments(client), timeout: .seconds(120))
                return result.status == 0 ? result : nil
            }
            let workers = Set(try done.lines.map { try JSON.object($0)["worker"] as? String ?? "" })
            #expect(workers == ["staying"], "\(workers)")
            #expect(Status.worker(try sandbox.status(endpoint), named: "leaving") == nil)
            // The log sink writes on a thread of its own: wait for the line.
            try sandbox.eventually("carol's refusal logged with her short id") { sandbox.lines(of: dispatcher, naming: carol).isEmpty ? nil : true }
            sandbox.expectNoWholeKey([carol, leaving, staying, client], in: [refused])
        }

        /// Many connections with unknown keys, opened and dropped as fast as the test can, while
        /// an admitted client's jobs still complete; every flood socket is refused, and the
        /// dispatcher's refusal log stays at one line per key.
        @Test func aFloodOfFailedHandshakesDoesNotStopLegitimateClients() throws {
            let sandbox = try Sandbox("curve-flood")
            defer { sandbox.close() }
            let keys = try sandbox.curveDeployment()
            let client = try sandbox.generateKey("teller")
            let worker = try sandbox.generateKey("echoer")
            try sandbox.admit(client, as: .clients)
            try sandbox.admit(worker, as: .workers)
            let dispatcher = try sandbox.startCurveDispatcher(keys)
            _ = try sandbox.startWorker("echoer", connect: dispatcher.workerEndpoint, extra: keys.arguments(worker))
            try sandbox.waitForWorker("echoer", endpoint: dispatcher.clientEndpoint)

            let floods = (1...2).map { _ in HandshakeFlood(endpoint: dispatcher.clientEndpoint, serverKey: keys.server.publicKey) }
            for flood in floods { flood.start() }
            defer { for flood in floods { flood.stop() } }
            func attempts() -> Int { floods.map(\.attempts).reduce(0, +) }
            try sandbox.eventually("the flood under way") { attempts() >= 20 ? true : nil }
            // Rounds of 100 jobs until the flood has made 200 more attempts, so the admitted
            // client's work and the flood overlap whatever the machine's speed.
            let payloads = try sandbox.writeFile("jobs.txt", numberedLines(100))
            let before = attempts()
            var rounds = 0
            repeat {
                let done = try sandbox.cli(["submit", "--lines", "--wait", "system.echo", payloads.path, "--connect", dispatcher.clientEndpoint,
                                            "--timeout", "60"] + keys.arguments(client), timeout: .seconds(150))
                #expect(done.status == 0, "\(done)")
                #expect(done.lines.count == 100)
                rounds += 1
            } while attempts() - before < 200 && rounds < 50
            for flood in floods { flood.stop() }
            #expect(attempts() - before >= 200, "the flood made \(attempts() - before) attempts in \(rounds) rounds")
            try sandbox.waitForCompleted(100 * rounds, kind: "system.echo", endpoint: dispatcher.clientEndpoint)
            #expect(floods.allSatisfy { $0.admitted == 0 }, "a flood socket got through the handshake")
            #expect(floods.allSatisfy { $0.received == 0 }, "a flood socket received a message")
            #expect(dispatcher.process.isRunning)
            let refusals = dispatcher.process.stderr.split(separator: "\n").filter { $0.contains("refused a handshake") }
            #expect(!refusals.isEmpty)
            // A fresh key per attempt: at most one line each.
            #expect(refusals.count <= attempts(), "\(refusals.count) refusal lines for \(attempts()) keys")
        }
    }
}

/// Connections with a fresh unknown key each, one after another on a thread of their own,
/// each sending a SUBMIT and dropped once its handshake failed.
final class HandshakeFlood: @unchecked Sendable {
    let endpoint: String
    let serverKey: String
    private let lock = NSLock()
    private var counts = (attempts: 0, admitted: 0, received: 0)
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)
    private var started = false

    init(endpoint: String, serverKey: String) {
        self.endpoint = endpoint
        self.serverKey = serverKey
    }

    var attempts: Int { lock.withLock { counts.attempts } }
    var admitted: Int { lock.withLock { counts.admitted } }
    var received: Int { lock.withLock { counts.received } }

    func start() {
        started = true
        Thread { [self] in
            defer { finished.signal() }
            while !lock.withLock({ stopping }) {
                do {
                    let keys = CurveClientKeys(serverPublicKey: serverKey, keyPair: try CurveKeyPair.generate())
                    let peer = try MonitoredPeer(connect: endpoint, curve: keys)
                    _ = try? peer.socket.send([ClientProtocol.header, [UInt8(ClientProtocol.Command.status.rawValue)]], dontWait: true)
                    let event = try peer.await([.handshakeFailedAuth, .handshakeSucceeded, .handshakeFailedProtocol, .handshakeFailedNoDetail],
                                               "a flood handshake's end", timeout: .seconds(20))
                    let got = try peer.received().count
                    lock.withLock {
                        counts.attempts += 1
                        if event.kind == .handshakeSucceeded { counts.admitted += 1 }
                        counts.received += got
                    }
                } catch {
                    lock.withLock { counts.attempts += 1 }
                }
            }
        }.start()
    }

    func stop() {
        guard started else { return }
        lock.withLock { stopping = true }
        started = false
        _ = finished.wait(timeout: .now() + 30)
    }
}
