import ChungTayWire
import Foundation
import Testing
import ZeroMQ

extension SystemTests {
    /// An MDP/0.1 client (a REQ socket speaking MDPC01) calls `system.echo` and the 8/MMI services.
    @Test func majordomoClientCallsEchoAndServiceDiscovery() throws {
        let sandbox = try Sandbox("mdpclient")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let client = dispatcher.clientEndpoint
        let mdp = Array("MDPC01".utf8)

        // Before any worker serves system.echo, mmi.service says 404.
        let early = try RawPeer(.req, connect: client)
        try early.send([mdp, frame("mmi.service"), frame("system.echo")])
        #expect(try early.receive("MMI reply").map(text) == ["MDPC01", "mmi.service", "404"])

        _ = try sandbox.startWorker("w1", connect: dispatcher.workerEndpoint)
        try sandbox.waitForWorker("w1", endpoint: client)
        let peer = try RawPeer(.req, connect: client)

        let body = #"{"greeting":"xin chào","n":[1,2,3]}"#
        try peer.send([mdp, frame("system.echo"), frame(body)])
        let reply = try peer.receive("MDP reply")
        try #require(reply.count == 3, "reply frames: \(reply.map(text))")
        #expect(reply[0] == mdp)
        #expect(text(reply[1]) == "system.echo")
        let document = try JSON.object(reply[2])
        #expect(document["kind"] as? String == "system.echo", "\(document)")
        #expect(JSON.equal(document["result"], JSON.parse(body)), "\(document)")
        let id = try #require(taskId(document), "\(document)")

        // A plain-text body comes back as a JSON string.
        try peer.send([mdp, frame("system.echo"), frame("plain words")])
        let plain = try JSON.object(try peer.receive("MDP reply")[2])
        #expect(plain["result"] as? String == "plain words", "\(plain)")

        // The MDP request was a job like any other: stored, and visible to `chungtay job`.
        let stored = sandbox.storeDocuments(kind: "system.echo")
        #expect(stored.compactMap(taskId).contains(id), "\(stored)")
        #expect(stored.count == 2)
        let job = try sandbox.cli(["job", String(id), "--connect", client, "--timeout", "20"]).json()
        #expect(job["state"] as? String == "completed", "\(job)")

        // 8/MMI.
        try peer.send([mdp, frame("mmi.service"), frame("system.echo")])
        #expect(try peer.receive("MMI reply").map(text) == ["MDPC01", "mmi.service", "200"])
        try peer.send([mdp, frame("mmi.service"), frame("no.such")])
        #expect(try peer.receive("MMI reply").map(text) == ["MDPC01", "mmi.service", "404"])
        try peer.send([mdp, frame("mmi.foo"), frame("anything")])
        #expect(try peer.receive("MMI reply").map(text) == ["MDPC01", "mmi.foo", "501"])

        // A service nobody serves gets an error document rather than silence.
        try peer.send([mdp, frame("no.such.kind"), frame("x")])
        let refused = try peer.receive("MDP refusal")
        #expect(refused.count == 3 && text(refused[1]) == "no.such.kind", "\(refused.map(text))")
        let error = try JSON.object(refused[2])["error"] as? [String: Any]
        #expect(error?["code"] as? String == "unknown_kind", "\(refused.map(text))")
    }

    /// An MDP/0.1 worker (a DEALER speaking MDPW01) serves a kind for native clients;
    /// an MDP worker that breaks the protocol gets DISCONNECT.
    @Test func majordomoWorkerServesAKind() throws {
        let sandbox = try Sandbox("mdpworker")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher()
        let client = dispatcher.clientEndpoint
        let worker = FakeMajordomoWorker(endpoint: dispatcher.workerEndpoint, service: "test.mdp") { body in
            Array(#"{"answer":"#.utf8) + body + Array("}".utf8)
        }
        worker.start()
        defer { worker.stop() }
        let registered = try sandbox.waitForWorker(kind: "test.mdp", endpoint: client)
        #expect(registered["protocol"] as? String == "mdp", "\(registered)")

        let payload = try sandbox.writeFile("payload.json", #"{"q":42}"#)
        let waited = try sandbox.cli(["submit", "test.mdp", payload.path, "--wait", "--connect", client, "--timeout", "20"])
        #expect(waited.status == 0, "\(waited)\n\(worker.log)")
        let document = try waited.json()
        let id = try #require(taskId(document), "\(waited)")
        #expect(document["kind"] as? String == "test.mdp")
        #expect(JSON.equal(document["result"], JSON.parse(#"{"answer":{"q":42}}"#)), "\(document)")

        // The worker saw a REQUEST shaped as 7/MDP says, carrying the payload.
        let request = try #require(worker.receivedRequests.first)
        #expect(request.count == 6)
        #expect(request.last == Array(#"{"q":42}"#.utf8))

        let stored = sandbox.storeDocuments(kind: "test.mdp")
        #expect(stored.count == 1)
        #expect(stored.first.flatMap(taskId) == id)
        #expect(JSON.equal(stored.first?["result"], JSON.parse(#"{"answer":{"q":42}}"#)), "\(stored)")
        let job = try sandbox.cli(["job", String(id), "--connect", client, "--timeout", "20"]).json()
        #expect(job["state"] as? String == "completed" && job["attempts"] as? Int == 1, "\(job)")
        #expect(worker.log.isEmpty, "\(worker.log)")

        try expectMajordomoViolationsDisconnect(workerEndpoint: dispatcher.workerEndpoint, sandbox: sandbox, client: client)

        // The well-behaved MDP worker kept serving through all that.
        let again = try sandbox.cli(["submit", "test.mdp", "-", "--wait", "--connect", client, "--timeout", "20"], stdin: payload)
        #expect(again.status == 0, "\(again)")
        #expect(sandbox.storeDocuments(kind: "test.mdp").count == 2)
    }

    private func expectMajordomoViolationsDisconnect(workerEndpoint: String, sandbox: Sandbox, client: String) throws {
        let header = FakeMajordomoWorker.header
        let disconnect: [[UInt8]] = [[], header, [0x05]]

        // REPLY before READY.
        let early = try RawPeer(.dealer, connect: workerEndpoint)
        try early.send([[], header, [0x03], u64(12345), [], frame("unsolicited")])
        #expect(try early.receive("DISCONNECT") == disconnect)

        // An unknown command.
        let unknown = try RawPeer(.dealer, connect: workerEndpoint)
        try unknown.send([[], header, [0x09]])
        #expect(try unknown.receive("DISCONNECT") == disconnect)

        // A registered MDP worker that sends an unknown command is disconnected and forgotten.
        let registered = try RawPeer(.dealer, connect: workerEndpoint)
        try registered.send([[], header, [0x01], frame("test.mdp2")])
        let record = try sandbox.waitForWorker(kind: "test.mdp2", endpoint: client)
        let name = try #require(record["name"] as? String)
        try registered.send([[], header, [0x09]])
        var received = try registered.receive("DISCONNECT")
        while received == [[], header, [0x04]] { received = try registered.receive("DISCONNECT") }
        #expect(received == disconnect)
        try sandbox.eventually("the violating MDP worker to be forgotten") { () -> Bool? in
            Status.worker(try sandbox.status(client), named: name) == nil ? true : nil
        }

        // A REPLY for a request the worker does not hold.
        let liar = try RawPeer(.dealer, connect: workerEndpoint)
        try liar.send([[], header, [0x01], frame("test.mdp3")])
        try sandbox.waitForWorker(kind: "test.mdp3", endpoint: client)
        try liar.send([[], header, [0x03], u64(999_999), [], frame("{}")])
        received = try liar.receive("DISCONNECT")
        while received == [[], header, [0x04]] { received = try liar.receive("DISCONNECT") }
        #expect(received == disconnect)
    }

    /// Garbage on either endpoint gets an error reply with a code, and the dispatcher keeps serving.
    @Test func garbageFramesGetErrorRepliesAndTheDispatcherKeepsServing() throws {
        let sandbox = try Sandbox("garbage")
        defer { sandbox.close() }
        let dispatcher = try sandbox.startDispatcher(extra: ["--max-message-bytes", "1000"])
        let client = dispatcher.clientEndpoint
        _ = try sandbox.startWorker("w1", connect: dispatcher.workerEndpoint)
        try sandbox.waitForWorker("w1", endpoint: client)

        let peer = try RawPeer(.dealer, connect: client)
        let ctcp = ClientProtocol.header

        /// Sends a message, expects an ERROR reply; returns (request id, code, message).
        func refusal(_ frames: [[UInt8]]) throws -> (UInt64, String, String) {
            try peer.send(frames)
            let reply = try peer.receive("error reply")
            guard reply.count == 5, reply[0] == ctcp, reply[1] == [0xFF], reply[2].count == 8 else {
                throw HarnessError("not a CTCP01 ERROR: \(reply.map(text))")
            }
            guard case .error(let code, let message) = try ClientMessage<ClientReply>.decode(reply).body else {
                throw HarnessError("ERROR did not decode as an error: \(reply.map(text))")
            }
            #expect(text(reply[3]) == code && !message.isEmpty)
            return (try IdList.decode(reply[2])[0], code, message)
        }

        #expect(try refusal([frame("HELLO")]).1 == "unsupported_protocol")
        #expect(try refusal([frame("MDPC01")]).1 == "malformed", "an MDP request without a service frame")

        // A SUBMIT whose job header announces a 20-byte kind but carries 3 bytes.
        let truncated = try refusal([ctcp, [0x01], u64(42), [20] + frame("sys"), frame("payload")])
        #expect(truncated.0 == 42 && truncated.1 == "malformed", "\(truncated)")
        let shortId = try refusal([ctcp, [0x01], [0, 0, 1]])
        #expect(shortId.1 == "malformed", "\(shortId)")

        let unknownCommand = try refusal([ctcp, [0x42], u64(43)])
        #expect(unknownCommand.0 == 43 && unknownCommand.1 == "unknown_command", "\(unknownCommand)")

        let unknownKind = try refusal(ClientMessage(requestId: 44, body: ClientRequest.submit([
            JobSpec(kind: "no.such.kind", payload: frame("x")),
        ])).encode())
        #expect(unknownKind.0 == 44 && unknownKind.1 == "unknown_kind", "\(unknownKind)")

        // 5000 bytes in two frames, over the 1000-byte limit; then many frames each under it.
        let big = [UInt8](repeating: UInt8(ascii: "z"), count: 2500)
        let tooLarge = try refusal([ctcp, [0x01], u64(45), big, big])
        #expect(tooLarge.1 == "too_large", "\(tooLarge)")
        let manySmall = ClientMessage(requestId: 46, body: ClientRequest.submit((0..<8).map { _ in
            JobSpec(kind: "system.echo", payload: [UInt8](repeating: UInt8(ascii: "y"), count: 700))
        })).encode()
        #expect(try refusal(manySmall).1 == "too_large")

        // The same DEALER still gets normal service.
        try peer.send(ClientMessage(requestId: 47, body: ClientRequest.status).encode())
        let statusReply = try ClientMessage<ClientReply>.decode(try peer.receive("status reply"))
        #expect(statusReply.requestId == 47)
        if case .statusReport = statusReply.body {} else { Issue.record("expected STATUS-REPORT, got \(statusReply)") }

        // The worker endpoint: an unknown command, and a message in no known protocol.
        let rogue = try RawPeer(.dealer, connect: dispatcher.workerEndpoint)
        func workerRefusal(_ frames: [[UInt8]]) throws -> String {
            try rogue.send(frames)
            var reply = try rogue.receive("worker ERROR")
            while reply == WorkerMessage.heartbeat(nil).encode() { reply = try rogue.receive("worker ERROR") }
            guard reply.first == WorkerProtocol.header, reply.count >= 2, reply[1] == [0x7F],
                  case .error(let code, let message) = try WorkerMessage.decode(reply.dropFirst()) else {
                throw HarnessError("not a CTWP01 ERROR: \(reply.map(text))")
            }
            #expect(!message.isEmpty)
            return code
        }
        #expect(try workerRefusal([WorkerProtocol.header, [0x42]]) == "unknown_command")
        #expect(try workerRefusal([frame("junk")]) == "unsupported_protocol")
        #expect(try workerRefusal([WorkerProtocol.header, [0x01], frame("x")]) == "malformed", "READY without kinds and credit")
        #expect(try workerRefusal([WorkerProtocol.header, [0x03], u64(1)]) == "malformed", "a truncated RESULT header")
        #expect(try workerRefusal([WorkerProtocol.header, [0x05], big]) == "too_large")

        // After all that, ordinary work still flows end to end.
        let payload = try sandbox.writeFile("payload.txt", #"{"still":"alive"}"#)
        let waited = try sandbox.cli(["submit", "system.echo", payload.path, "--wait", "--connect", client, "--timeout", "20"])
        #expect(waited.status == 0, "\(waited)")
        #expect(JSON.equal(try waited.json()["result"], JSON.parse(#"{"still":"alive"}"#)), "\(waited)")
        let status = try sandbox.status(client)
        #expect(Status.worker(status, named: "w1") != nil, "the real worker is unaffected: \(status)")
        #expect(dispatcher.process.isRunning)

        // Each refused message is logged once.
        let log = dispatcher.process.stderr
        let clientRefusals = log.components(separatedBy: "refused a client message").count - 1
        let workerRefusals = log.components(separatedBy: "refused a worker message").count - 1
        #expect(clientRefusals == 8, "client refusals logged: \(clientRefusals)\n\(sandbox.logs())")
        #expect(workerRefusals == 5, "worker refusals logged: \(workerRefusals)\n\(sandbox.logs())")
    }
}
