import ChungTayClient
import ChungTayWire
import Foundation
import Testing
import ZeroMQ

/// Bounds on what one peer can make the dispatcher hold or do (docs/PROTOCOL.md, "Limits").
extension SystemTests {
    /// A message past the frame or byte cap gets `too_large` with its request id, however
    /// many frames follow; the dispatcher goes on answering.
    @Test func messagesPastTheFrameOrByteCapAreRefusedWhileReceived() throws {
        let sandbox = try Sandbox("bounds-size")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher(extra: ["--max-message-frames", "64", "--max-message-bytes", "100000"])
        let client = try RawPeer(.dealer, connect: dispatcher.clientEndpoint)

        let manyFrames = ClientMessage<ClientRequest>(requestId: 41, body: .status).encode() + Array(repeating: [UInt8](), count: 200_000)
        try client.send(manyFrames)
        let framesReply = try ClientMessage<ClientReply>.decode(try client.receive("reply to a 200,003-frame STATUS"))
        #expect(framesReply.requestId == 41)
        guard case .error(let code, let message) = framesReply.body else { throw HarnessError("expected ERROR, got \(framesReply)") }
        #expect(code == "too_large" && message.contains("frames"), "\(message)")

        let bigJobs = (0..<4).map { _ in JobSpec(kind: "system.echo", payload: [UInt8](repeating: UInt8(ascii: "x"), count: 30_000)) }
        try client.send(ClientMessage<ClientRequest>(requestId: 42, body: .submit(bigJobs)).encode())
        let bytesReply = try ClientMessage<ClientReply>.decode(try client.receive("reply to a 120 kB SUBMIT"))
        #expect(bytesReply.requestId == 42)
        guard case .error(let bytesCode, _) = bytesReply.body else { throw HarnessError("expected ERROR, got \(bytesReply)") }
        #expect(bytesCode == "too_large")

        // A worker's message with too many frames is refused the same way.
        let worker = try RawPeer(.dealer, connect: dispatcher.workerEndpoint)
        try worker.send(WorkerMessage.ready(name: "flooder", kinds: ["system.echo"], credit: 1).encode())
        try sandbox.waitForWorker("flooder", endpoint: dispatcher.clientEndpoint)
        let failures = (1...100).map { TaskFailure(taskId: UInt64($0), retryable: true, code: "boom", message: "") }
        try worker.send(WorkerMessage.failures(failures).encode())
        let refusal = try receiveWorkerMessage(worker, "ERROR for the 302-frame FAIL") { message in
            if case .error(let code, _) = message { return code }
            return nil
        }
        #expect(refusal == "too_large")

        // Nothing was stored, and the dispatcher still answers.
        let status = try sandbox.status(dispatcher.clientEndpoint)
        #expect(Status.queue(status, "system.echo")["queued"] == 0, "\(status)")
        #expect(dispatcher.process.isRunning)
    }

    /// An MDP client may await at most 16 replies: the 17th request gets the MDP error body
    /// `too_many_waits` at once, and nothing is journalled for it.
    @Test func majordomoRequestsPastThePerClientCapAreRefused() throws {
        let sandbox = try Sandbox("bounds-mdp")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let majordomo = try RawPeer(.dealer, connect: dispatcher.clientEndpoint)
        // No worker: the 16 jobs stay queued, their replies awaited.
        for _ in 1...17 {
            try majordomo.send([[], Array("MDPC01".utf8), Array("system.echo".utf8), Array("hello".utf8)])
        }
        let reply = try majordomo.receive("MDP refusal of the 17th request")
        #expect(reply.count == 4 && reply[1] == Array("MDPC01".utf8), "\(reply)")
        #expect(try JSON.object(reply[3])["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "too_many_waits")
        let status = try sandbox.status(dispatcher.clientEndpoint)
        #expect(status["pendingMajordomoReplies"] as? Int == 16, "\(status)")
        #expect(Status.queue(status, "system.echo")["queued"] == 16, "\(status)")
    }

    /// DOCUMENTS stays within the maximum message size: it holds the oldest documents of the
    /// key that fit together and stops before the first that does not.
    @Test func resultsReplyStaysWithinTheMaximumMessageSize() throws {
        let sandbox = try Sandbox("bounds-results")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher(liveness: 300, extra: ["--max-message-bytes", "10000"])
        let raw = try RawBatchWorker(sandbox, dispatcher, batchName: "results")
        let (worker, client) = (raw.worker, raw.client)
        let ids = try raw.submit(keys: ["d1", "d2", "d3"])
        _ = try raw.receiveTasks(3)
        // Three documents of about 4 kB under one key, each in its own RESULT: two fit in 10,000 bytes.
        for id in ids {
            let document = Array(#"{"taskId":"\#(id)","householdCode":"H1","pad":"\#(String(repeating: "x", count: 4000))"}"#.utf8)
            try worker.send(WorkerMessage.results([TaskResult(taskId: id, documents: [document], isList: false, keys: ["H1"])]).encode())
        }
        _ = try sandbox.finishedJobs(ids, endpoint: dispatcher.clientEndpoint)
        guard case .documents(let documents) = try client.call(.results(key: "H1", batchId: nil)) else {
            throw HarnessError("expected DOCUMENTS")
        }
        #expect(documents.count == 2)
        #expect(try documents.map { try JSON.object($0)["taskId"] as? String } == ids.prefix(2).map { "\($0)" })
    }

    /// A client that sends requests and never reads the replies loses those past the
    /// high-water mark: the dispatcher neither blocks nor keeps 300 MiB of replies for it
    /// (it did with unlimited marks: 331 MiB resident against 137 MiB with a mark of 100;
    /// replies to a client are now held back at 16).
    @Test func clientThatDoesNotReadLosesRepliesPastTheHighWaterMark() throws {
        let sandbox = try Sandbox("bounds-hwm")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let endpoint = dispatcher.clientEndpoint
        let big = try sandbox.writeFile("big.txt", String(repeating: "x", count: 1 << 20))
        let id = try #require(try jobIds(try sandbox.cli(["submit", "system.echo", big.path, "--connect", endpoint, "--timeout", "20"])).first)
        let worker = try sandbox.startWorker("echo", connect: dispatcher.workerEndpoint)
        try sandbox.waitForCompleted(1, kind: "system.echo", endpoint: endpoint)
        worker.stop()

        // A DEALER whose own queue takes one message: once the TCP buffers are full, the
        // replies can only pile up in the dispatcher.
        let context = try ZMQContext()
        let reader = try ZMQSocket(context: context, type: .dealer)
        defer { reader.close() }
        try reader.setLinger(milliseconds: 0)
        try reader.setReceiveHighWaterMark(1)
        try reader.setSendTimeout(milliseconds: 5000)
        try reader.connect(endpoint)
        for request in 1...300 {
            _ = try reader.send(ClientMessage<ClientRequest>(requestId: UInt64(request), body: .job(id)).encode())
        }
        // Handled after the 300 JOBs (one peer's messages are handled in order): once its job
        // is queued, every reply has been sent or dropped.
        _ = try reader.send(ClientMessage<ClientRequest>(requestId: 301, body: .submit([JobSpec(kind: "notify.emit", payload: Array("{}".utf8))])).encode())
        try sandbox.eventually("the JOBs and the marker SUBMIT to be handled") { () -> Bool? in
            Status.queue(try sandbox.status(endpoint), "notify.emit")["queued"] == 1 ? true : nil
        }
        let residentMiB = try residentMemoryMiB(of: dispatcher.process.pid)
        #expect(residentMiB < 250, "the dispatcher holds \(residentMiB) MiB after 300 unread 1 MiB replies")
    }

    /// WAITs and MDP reply slots belong to a connection: when the client goes away they go
    /// too, although their jobs have not finished; a client that stays keeps its WAIT.
    @Test func waitsAndReplySlotsOfAClientThatLeftAreDropped() throws {
        let sandbox = try Sandbox("bounds-waits")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let endpoint = dispatcher.clientEndpoint
        let payload = try sandbox.writeFile("payload.txt", "runs once a worker comes")
        let submitted = try sandbox.cli(["submit", "system.echo", payload.path, "--connect", endpoint, "--timeout", "20"])
        let id = try #require(try jobIds(submitted).first, "\(submitted)")

        let waiter = try RawPeer(.dealer, connect: endpoint)
        // 16: the most WAITs one client may have pending (PROTOCOL.md, WAIT).
        for request in 1...16 {
            try waiter.send(ClientMessage<ClientRequest>(requestId: UInt64(request), body: .wait([id])).encode())
        }
        let majordomo = try RawPeer(.dealer, connect: endpoint)
        try majordomo.send([[], Array("MDPC01".utf8), Array("system.echo".utf8), Array("hello".utf8)])
        try sandbox.eventually("16 waits and 1 MDP request to be pending") { () -> Bool? in
            let status = try sandbox.status(endpoint)
            return status["pendingWaits"] as? Int == 16 && status["pendingMajordomoReplies"] as? Int == 1 ? true : nil
        }

        // One client stays; others come and go, so their descriptors are reused (the OS
        // hands out the lowest free one) while the dispatcher tracks who is still there.
        let stayer = try RawPeer(.dealer, connect: endpoint)
        try stayer.send(ClientMessage<ClientRequest>(requestId: 99, body: .wait([id])).encode())
        waiter.socket.close()
        majordomo.socket.close()
        for round in 1...20 {
            let passer = try RawPeer(.dealer, connect: endpoint)
            try passer.send(ClientMessage<ClientRequest>(requestId: UInt64(round), body: .wait([id])).encode())
            _ = try sandbox.status(endpoint)
            passer.socket.close()
        }
        try sandbox.eventually("only the staying client's wait to be left") { () -> Bool? in
            let status = try sandbox.status(endpoint)
            return status["pendingWaits"] as? Int == 1 && status["pendingMajordomoReplies"] as? Int == 0 ? true : nil
        }
        #expect(sandbox.logs().contains("client gone"))

        _ = try sandbox.startWorker("echo", connect: dispatcher.workerEndpoint)
        let done = try ClientMessage<ClientReply>.decode(try stayer.receive("WAIT-DONE for the staying client"))
        #expect(done.requestId == 99)
        guard case .waitDone(let documents) = done.body else { throw HarnessError("expected WAIT-DONE, got \(done)") }
        #expect(try documents.map { try JSON.object($0)["state"] as? String } == ["completed"])
    }

    /// A worker whose connection drops without DISCONNECT loses its leases at once (an
    /// attempt, as for a silent worker), although its heartbeat deadline is hours away.
    @Test func workerWhoseConnectionDropsIsRemovedAtOnce() throws {
        let sandbox = try Sandbox("bounds-departure")
        defer { sandbox.close() }
        // 20,000 missed heartbeats: silence alone would take over an hour to notice.
        let dispatcher = try sandbox.startDispatcher(liveness: 20_000)
        let endpoint = dispatcher.clientEndpoint
        let (raw, id) = try leaseOneTask(to: "vanishing", sandbox: sandbox, dispatcher: dispatcher)

        raw.socket.close()
        try sandbox.eventually("the vanished worker to be removed") { () -> Bool? in
            Status.worker(try sandbox.status(endpoint), named: "vanishing") == nil ? true : nil
        }
        _ = try sandbox.startWorker("steady", connect: dispatcher.workerEndpoint)
        let job = try sandbox.eventually("job \(id) to complete on the second worker") { () -> [String: Any]? in
            let document = try sandbox.cli(["job", String(id), "--connect", endpoint, "--timeout", "20"]).json()
            return document["state"] as? String == "completed" ? document : nil
        }
        #expect(job["attempts"] as? Int == 2, "\(job)")
        #expect(sandbox.storeDocuments(kind: "system.echo").filter { taskId($0) == id }.count == 1)
    }

    /// A worker that heartbeats but never answers loses the task at the task timeout: it
    /// runs again on another worker (attempt 2), and the late answer stores nothing.
    @Test func hungTaskTimesOutAndRunsElsewhereExactlyOnce() throws {
        let sandbox = try Sandbox("bounds-timeout")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher(extra: ["--task-timeout", "1"])
        let endpoint = dispatcher.clientEndpoint
        let (hung, id) = try leaseOneTask(to: "hung", sandbox: sandbox, dispatcher: dispatcher)

        _ = try sandbox.startWorker("steady", connect: dispatcher.workerEndpoint)
        let job = try sandbox.eventually("job \(id) to complete on the second worker") { () -> [String: Any]? in
            try hung.send(WorkerMessage.heartbeat(nil).encode())
            let document = try sandbox.cli(["job", String(id), "--connect", endpoint, "--timeout", "20"]).json()
            return document["state"] as? String == "completed" ? document : nil
        }
        #expect(job["attempts"] as? Int == 2, "\(job)")
        #expect(Status.worker(try sandbox.status(endpoint), named: "hung") != nil, "a heartbeating worker stays registered")

        // The late answer, then a command the dispatcher answers: once that answer is in,
        // the late RESULT has been handled.
        let late = TaskResult(taskId: id, documents: [Array(#"{"late":true}"#.utf8)], isList: false)
        try hung.send(WorkerMessage.results([late]).encode())
        try hung.send(WorkerMessage.error(code: "probe", message: "workers do not send ERROR").encode())
        _ = try receiveWorkerMessage(hung, "ERROR for the probe") { message in
            if case .error(let code, _) = message { return code }
            return nil
        }
        let documents = sandbox.storeDocuments(kind: "system.echo").filter { taskId($0) == id }
        #expect(documents.count == 1, "\(documents)")
        #expect(documents.first?["late"] == nil, "\(documents)")
        #expect(sandbox.logs().contains("task timed out"))
    }

    /// Silence while the dispatcher itself was away from its sockets (a long turn, or as
    /// here the process stopped) is not held against a worker: it gets a full liveness
    /// period from the dispatcher's return. Here the worker was stopped too, for longer than
    /// the liveness, and resumes shortly after the dispatcher; it is not declared lost.
    @Test func workerIsNotDeclaredLostForSilenceWhileTheDispatcherWasAway() throws {
        let sandbox = try Sandbox("bounds-stall")
        defer { sandbox.close() }
        // Dispatcher: heartbeats every 200 ms, a worker is lost after 25 of them (5 s).
        let dispatcher = try sandbox.startDispatcher(liveness: 25)
        let endpoint = dispatcher.clientEndpoint
        // Worker: heartbeats every 3 s, so it presumes the dispatcher gone only after 9 s.
        let worker = try sandbox.spawn("worker-patient", [
            "worker", "--connect", dispatcher.workerEndpoint, "--kinds", "system.echo", "--concurrency", "1",
            "--name", "patient", "--heartbeat-ms", "3000",
        ])
        try sandbox.waitForWorker("patient", endpoint: endpoint)

        worker.signal(SIGSTOP)
        dispatcher.process.signal(SIGSTOP)
        Thread.sleep(forTimeInterval: 6)
        dispatcher.process.signal(SIGCONT)
        Thread.sleep(forTimeInterval: 0.5)
        worker.signal(SIGCONT)

        let payload = try sandbox.writeFile("payload.txt", "after the stall")
        let submitted = try sandbox.cli(["submit", "system.echo", payload.path, "--wait", "--connect", endpoint, "--timeout", "30"])
        #expect(submitted.status == 0, "\(submitted)")
        let log = sandbox.logs(limit: 1_000_000)
        #expect(!log.contains("worker gone"), "\(log)")
        #expect(log.components(separatedBy: "worker ready").count == 2, "the worker registered once: \(log)")
    }

    /// RETRY-DEAD-LETTERS requeues at most `retryLimit` per request, so one request is a
    /// short transaction; `dead-letters retry` repeats it until all are back. The worker
    /// that keeps failing them is never declared lost meanwhile.
    @Test func retryOfManyDeadLettersIsBoundedPerRequest() throws {
        let sandbox = try Sandbox("bounds-retry")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher(extra: ["--max-attempts", "1"])
        let endpoint = dispatcher.clientEndpoint
        let total = ClientProtocol.retryLimit + 1
        let failer = try RawPeer(.dealer, connect: dispatcher.workerEndpoint, receiveTimeoutMs: 100)
        try failer.send(WorkerMessage.ready(name: "failer", kinds: ["test.fail"], credit: 4096).encode())
        try sandbox.waitForWorker("failer", endpoint: endpoint)
        /// Answers every task that arrived with a non-retryable FAIL, and keeps heartbeating.
        func failEverything() throws {
            try failer.send(WorkerMessage.heartbeat(nil).encode())
            while let frames = try failer.receiveIfAny() {
                guard case .tasks(let tasks) = try WorkerMessage.decode(frames.dropFirst()) else { continue }
                try failer.send(WorkerMessage.failures(tasks.map {
                    TaskFailure(taskId: $0.taskId, retryable: false, code: "boom", message: "always fails")
                }).encode())
            }
        }

        let lines = try sandbox.writeFile("jobs.txt", numberedLines(total))
        let submitted = try sandbox.cli(["submit", "test.fail", lines.path, "--lines", "--connect", endpoint, "--timeout", "60"])
        #expect(submitted.status == 0, "\(submitted)")
        try sandbox.eventually("\(total) dead letters", timeout: .seconds(120)) { () -> Bool? in
            try failEverything()
            return try sandbox.status(endpoint)["deadLetters"] as? Int == total ? true : nil
        }

        let client = try RawPeer(.dealer, connect: endpoint)
        try client.send(ClientMessage<ClientRequest>(requestId: 7, body: .retryDeadLetters([])).encode())
        let reply = try ClientMessage<ClientReply>.decode(try client.receive("RETRIED"))
        #expect(reply.body == .retried(count: UInt64(ClientProtocol.retryLimit)))
        let rest = try sandbox.cli(["dead-letters", "retry", "--connect", endpoint, "--timeout", "20"])
        #expect(rest.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "requeued 1", "\(rest)")

        try failEverything()
        #expect(Status.worker(try sandbox.status(endpoint), named: "failer") != nil)
        #expect(!sandbox.logs(limit: 1_000_000).contains("worker gone"))
    }
}

/// Registers a raw worker for `system.echo` with credit 1, submits one job and receives
/// its task (attempt 1) on the raw worker, which then holds the lease.
@available(*, noasync)
private func leaseOneTask(to name: String, sandbox: Sandbox, dispatcher: DispatcherProcess) throws -> (RawPeer, UInt64) {
    let raw = try RawPeer(.dealer, connect: dispatcher.workerEndpoint)
    try raw.send(WorkerMessage.ready(name: name, kinds: ["system.echo"], credit: 1).encode())
    try sandbox.waitForWorker(name, endpoint: dispatcher.clientEndpoint)
    let payload = try sandbox.writeFile("payload.txt", "echo me")
    let submitted = try sandbox.cli(["submit", "system.echo", payload.path, "--connect", dispatcher.clientEndpoint, "--timeout", "20"])
    let id = try #require(try jobIds(submitted).first, "\(submitted)")
    let task = try receiveWorkerMessage(raw, "TASKS") { message in
        if case .tasks(let tasks) = message, tasks.count == 1 { return tasks[0] }
        return nil
    }
    #expect(task.taskId == id && task.attempt == 1)
    return (raw, id)
}

/// VmRSS of a process, from /proc.
private func residentMemoryMiB(of pid: Int32) throws -> Int {
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
        throw HarnessError("no VmRSS in /proc/\(pid)/status")
    }
    return kilobytes / 1024
}

/// Receives worker-side messages until `match` picks one (heartbeats and others are skipped).
@available(*, noasync)
private func receiveWorkerMessage<T>(_ worker: RawPeer, _ what: String, _ match: (WorkerMessage) -> T?) throws -> T {
    for _ in 0..<1000 {
        let frames = try worker.receive(what)
        guard frames.first == WorkerProtocol.header else { continue }
        if let found = match(try WorkerMessage.decode(frames.dropFirst())) { return found }
    }
    throw HarnessError("no \(what) among 1000 messages")
}
