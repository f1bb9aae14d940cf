import ChungTayWire
import Foundation
import Testing

extension SystemTests {
    /// 9/TSP with the Guide's client pattern: one `ticlient` process sends `titanic.request`
    /// and exits; the dispatcher restarts; another process, given only the UUID, gets the
    /// reply once a worker has run the job, and closes the request.
    @Test func titanicClientGetsItsReplyAfterRestarting() throws {
        let sandbox = try Sandbox("titanic")
        defer { sandbox.close() }
        let first = try sandbox.startDispatcher(name: "dispatcher-1")
        let body = #"{"repayment":"loan-17","amount":1500000}"#

        let requested = try TitanicClient.run(sandbox, first.clientEndpoint, ["request", "system.echo", body])
        let uuid = try #require(requested["uuid"] as? String, "\(requested)")
        let jobId = try #require(Majordomo.Titanic.jobId(fromUUID: Array(uuid.utf8)), "not a UUID the dispatcher makes: \(uuid)")
        #expect(uuid.count == 32 && uuid.allSatisfy(\.isHexDigit), "\(uuid)")

        // No worker yet: the request is durable but pending.
        let pending = try TitanicClient.run(sandbox, first.clientEndpoint, ["reply", uuid, "--once"])
        #expect(pending["status"] as? String == "300", "\(pending)")

        first.process.signal(SIGTERM)
        #expect(first.process.waitForExit(timeout: .seconds(30)), "\(sandbox.logs())")
        let second = try sandbox.startDispatcher(name: "dispatcher-2", extra: ["--max-attempts", "1"])
        _ = try sandbox.startWorker("w1", connect: second.workerEndpoint)

        let replied = try TitanicClient.run(sandbox, second.clientEndpoint, ["reply", uuid])
        #expect(replied["status"] as? String == "200", "\(replied)")
        #expect(replied["close"] as? String == "200", "\(replied)")
        let frames = try #require(replied["body"] as? [String], "\(replied)")
        try #require(frames.count == 1, "\(replied)")
        let document = try JSON.object(frames[0])
        #expect(taskId(document) == jobId, "\(document)")
        #expect(JSON.equal(document["result"], JSON.parse(body)), "\(document)")

        // The job is one like any other, and closing it kept it: the stores are the record.
        let job = try sandbox.cli(["job", String(jobId), "--connect", second.clientEndpoint, "--timeout", "20"]).json()
        #expect(job["state"] as? String == "completed", "\(job)")
        let again = try TitanicClient.run(sandbox, second.clientEndpoint, ["reply", uuid.uppercased(), "--once"])
        #expect(again["status"] as? String == "200", "\(again)")

        // 8/MMI knows the Titanic services; 9/TSP's errors are 400 with the error document.
        #expect(try TitanicClient.run(sandbox, second.clientEndpoint, ["mmi", "titanic.request"])["status"] as? String == "200")
        let unknownUUID = try #require(Majordomo.Titanic.uuid(forJob: jobId + 1000))
        let unknown = try TitanicClient.run(sandbox, second.clientEndpoint, ["reply", unknownUUID, "--once"])
        #expect(unknown["status"] as? String == "400" && TitanicClient.errorCode(unknown) == "unknown_job", "\(unknown)")
        let malformed = try TitanicClient.run(sandbox, second.clientEndpoint, ["reply", String(repeating: "0", count: 32), "--once"])
        #expect(malformed["status"] as? String == "400" && TitanicClient.errorCode(malformed) == "malformed", "\(malformed)")
        let noKind = try TitanicClient.run(sandbox, second.clientEndpoint, ["request", "no.such.kind", "x"], expectedStatus: 1)
        #expect(noKind["status"] as? String == "400" && TitanicClient.errorCode(noKind) == "unknown_kind", "\(noKind)")

        // A dead letter is 500 with its final failure.
        let failer = FakeNativeWorker(endpoint: second.workerEndpoint, name: "fake-failer", kind: "test.fail")
        failer.start()
        defer { failer.stop() }
        try sandbox.waitForWorker("fake-failer", endpoint: second.clientEndpoint)
        let doomed = try TitanicClient.run(sandbox, second.clientEndpoint, ["request", "test.fail", "{}"])
        let doomedUUID = try #require(doomed["uuid"] as? String, "\(doomed)")
        let dead = try TitanicClient.run(sandbox, second.clientEndpoint, ["reply", doomedUUID], expectedStatus: 1)
        #expect(dead["status"] as? String == "500" && TitanicClient.errorCode(dead) == "boom", "\(dead)")
    }

    /// With CURVE a Titanic request is its client's: another client's key gets 400
    /// `forbidden` for its UUID, the owner gets the reply.
    @Test func titanicRequestsAreTheirClientsOwnWithCurve() throws {
        let sandbox = try Sandbox("titaniccurve")
        defer { sandbox.close() }
        let deployment = try sandbox.curveDeployment()
        let bank = try sandbox.generateKey("bank")
        let census = try sandbox.generateKey("census")
        let worker = try sandbox.generateKey("w1")
        try sandbox.admit(bank, as: .clients)
        try sandbox.admit(census, as: .clients)
        try sandbox.admit(worker, as: .workers)
        let dispatcher = try sandbox.startDispatcher(curve: deployment)
        _ = try sandbox.startWorker("w1", connect: dispatcher.workerEndpoint, extra: deployment.arguments(worker))

        let asBank = deployment.arguments(bank)
        let asCensus = deployment.arguments(census)
        let requested = try TitanicClient.run(sandbox, dispatcher.clientEndpoint, ["request", "system.echo", "plain words"], keys: asBank)
        let uuid = try #require(requested["uuid"] as? String, "\(requested)")

        let foreign = try TitanicClient.run(sandbox, dispatcher.clientEndpoint, ["reply", uuid, "--once"], keys: asCensus)
        #expect(foreign["status"] as? String == "400" && TitanicClient.errorCode(foreign) == "forbidden", "\(foreign)")
        let replied = try TitanicClient.run(sandbox, dispatcher.clientEndpoint, ["reply", uuid], keys: asBank)
        #expect(replied["status"] as? String == "200" && replied["close"] as? String == "200", "\(replied)")
        let document = try JSON.object(try #require((replied["body"] as? [String])?.first, "\(replied)"))
        #expect(document["result"] as? String == "plain words", "\(document)")
    }
}

/// Runs Tests/ChungTaySystemTests/Titanic/ticlient.py (pyzmq, the Guide's `ticlient`
/// pattern) with the system's Python, which has python3-zmq.
enum TitanicClient {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Titanic/ticlient.py")
    static let python = "/usr/bin/python3"

    /// The one JSON line the client printed; `keys` are its CURVE options, `expectedStatus`
    /// its exit status.
    static func run(
        _ sandbox: Sandbox, _ endpoint: String, _ arguments: [String], keys: [String] = [], expectedStatus: Int32 = 0
    ) throws -> [String: Any] {
        let child = try sandbox.spawnTool("ticlient-\(UUID().uuidString.prefix(8))", python, [script.path] + keys + [endpoint] + arguments)
        guard child.waitForExit(timeout: .seconds(90)) else {
            child.stop()
            throw HarnessError("ticlient \(arguments) did not finish within 90 s\n\(sandbox.logs())")
        }
        #expect(child.exitStatus == expectedStatus, "ticlient \(arguments): \(child.exitDescription)\n\(child.stdout)\n\(child.stderr)")
        return try JSON.object(child.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The `error.code` of the error document in a 400 or 500 answer's body.
    static func errorCode(_ answer: [String: Any]) -> String? {
        guard let body = (answer["body"] as? [String])?.first, let document = try? JSON.object(body) else { return nil }
        return (document["error"] as? [String: Any])?["code"] as? String
    }
}
