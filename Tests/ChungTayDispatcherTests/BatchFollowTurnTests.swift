import ChungTayWire
import Foundation
import Testing
import ZeroMQ

@testable import ChungTayDispatcher

/// BATCH-STATUS long-polls (`BatchFollowers`), turn by turn: answered when the batch
/// completes, at their bound with progress, refused beyond the per-peer cap, and dropped
/// when their client goes away.
@Suite struct BatchFollowTurnTests {
    /// A batch with one job queued to `worker`, sealed; returns its id and the job's task.
    func runningBatch(_ dispatcher: InProcessDispatcher, worker: TurnWorker, client: TurnClient) throws -> (String, TaskAssignment) {
        try dispatcher.turn()
        let opening = BatchOpening(name: "followed", asOf: "2026-01-31", whatIf: false, submittedBy: "tester", inputs: [])
        guard case .batchInfo(let opened) = try client.ask(.batchOpen(opening), in: dispatcher) else {
            throw TurnTestError("BATCH-OPEN not answered with BATCH-INFO")
        }
        let batchId = try #require(try jsonObject(opened)["id"] as? String)
        let job = JobSpec(kind: "test.batch", payload: Array("{}".utf8), batchId: batchId,
                          counters: [Counter(name: "accepted/householdChunks", value: 1)])
        guard case .accepted = try client.ask(.submit([job]), in: dispatcher) else { throw TurnTestError("SUBMIT not accepted") }
        let task = try #require(try worker.receivedTasks().first)
        let sealing = BatchSealing(batchId: batchId, householdChunks: 1, loanChunks: 0, inputErrors: 0)
        guard case .batchInfo = try client.ask(.batchSeal(sealing), in: dispatcher) else { throw TurnTestError("BATCH-SEAL refused") }
        return (batchId, task)
    }

    func state(_ reply: ClientMessage<ClientReply>) throws -> String? {
        guard case .batchInfo(let json) = reply.body else { throw TurnTestError("not BATCH-INFO: \(reply)") }
        return try jsonObject(json)["state"] as? String
    }

    @Test func aLongPollIsAnsweredInTheTurnThatCompletesTheBatch() throws {
        let dispatcher = try InProcessDispatcher()
        let worker = try TurnWorker(dispatcher, name: "batch", kinds: ["test.batch"], credit: 1)
        let client = try TurnClient(dispatcher)
        let (batchId, task) = try runningBatch(dispatcher, worker: worker, client: client)

        let request = try client.send(.batchStatus(batchId, waitMilliseconds: 30_000))
        try dispatcher.turn()
        #expect(try client.replies().isEmpty, "held while the batch runs")
        #expect(dispatcher.dispatcher.batchFollowers.count == 1)

        try worker.succeed(task)
        try dispatcher.turn()
        let replies = try client.replies()
        try #require(replies.count == 1)
        #expect(replies[0].requestId == request)
        #expect(try state(replies[0]) == "complete")
        #expect(dispatcher.dispatcher.batchFollowers.count == 0)
        // A complete batch is answered at once, whatever the wait asked.
        guard case .batchInfo(let json) = try client.ask(.batchStatus(batchId, waitMilliseconds: 30_000), in: dispatcher) else {
            throw TurnTestError("no BATCH-INFO for a complete batch")
        }
        #expect(try jsonObject(json)["state"] as? String == "complete")
    }

    @Test func aLongPollIsAnsweredAtItsBoundWithProgress() throws {
        let dispatcher = try InProcessDispatcher()
        let worker = try TurnWorker(dispatcher, name: "batch", kinds: ["test.batch"], credit: 1)
        let client = try TurnClient(dispatcher)
        let (batchId, _) = try runningBatch(dispatcher, worker: worker, client: client)

        let request = try client.send(.batchStatus(batchId, waitMilliseconds: 1500))
        try dispatcher.turn()
        try dispatcher.advance(by: 1, beforeEachTurn: worker.heartbeat)
        #expect(try client.replies().isEmpty, "not before its bound")
        try dispatcher.advance(by: 0.5, beforeEachTurn: worker.heartbeat)
        let replies = try client.replies()
        try #require(replies.count == 1)
        #expect(replies[0].requestId == request)
        #expect(try state(replies[0]) == "running")
        // Without a wait frame (an older client) BATCH-STATUS is answered at once, as before.
        guard case .batchInfo = try client.ask(.batchStatus(batchId), in: dispatcher) else { throw TurnTestError("no BATCH-INFO") }
    }

    @Test func longPollsBeyondThePeersCapAreRefused() throws {
        let dispatcher = try InProcessDispatcher()
        let worker = try TurnWorker(dispatcher, name: "batch", kinds: ["test.batch"], credit: 1)
        let client = try TurnClient(dispatcher)
        let other = try TurnClient(dispatcher)
        let (batchId, _) = try runningBatch(dispatcher, worker: worker, client: client)

        for _ in 0..<BatchFollowers.maxPerPeer { try client.send(.batchStatus(batchId, waitMilliseconds: 60_000)) }
        try dispatcher.turn()
        #expect(try client.replies().isEmpty)
        guard case .error(let code, _) = try client.ask(.batchStatus(batchId, waitMilliseconds: 60_000), in: dispatcher) else {
            throw TurnTestError("a long-poll beyond the cap was not refused")
        }
        #expect(code == WireError.Code.tooManyWaits.rawValue)
        #expect(dispatcher.dispatcher.batchFollowers.count == BatchFollowers.maxPerPeer)
        try other.send(.batchStatus(batchId, waitMilliseconds: 60_000))
        try dispatcher.turn()
        #expect(dispatcher.dispatcher.batchFollowers.count == BatchFollowers.maxPerPeer + 1, "another peer's is held")
    }

    @Test func aLongPollIsRefusedBeyondTheLongestWait() throws {
        var frames = ClientMessage(requestId: 1, body: ClientRequest.batchStatus("B1", waitMilliseconds: 1)).encode()
        frames[frames.count - 1] = [0, 0, 0xEA, 0x61]  // 60,001 ms
        #expect(throws: WireError.self) { try ClientMessage<ClientRequest>.decode(frames.dropFirst()) }
        frames[frames.count - 1] = [0, 0, 0xEA]
        #expect(throws: WireError.self) { try ClientMessage<ClientRequest>.decode(frames.dropFirst()) }
        let longest = ClientRequest.batchStatus("B1", waitMilliseconds: ClientProtocol.maxBatchStatusWaitMilliseconds)
        #expect(try ClientMessage<ClientRequest>.decode(ClientMessage(requestId: 1, body: longest).encode().dropFirst()).body == longest)
    }

    /// Over TCP, where the dispatcher learns of a closed connection from its socket monitor.
    @Test func aLongPollIsDroppedWhenItsClientDisconnects() throws {
        let dispatcher = try InProcessDispatcher { $0.clientEndpoint = "tcp://127.0.0.1:*" }
        let worker = try TurnWorker(dispatcher, name: "batch", kinds: ["test.batch"], credit: 1)
        let owner = try ZMQSocket(context: dispatcher.context, type: .dealer)
        defer { owner.close() }
        try owner.setLinger(milliseconds: 0)
        try owner.connect(dispatcher.dispatcher.boundClientEndpoint)
        func ask(_ socket: ZMQSocket, _ request: ClientRequest) throws -> ClientReply {
            _ = try socket.send(ClientMessage(requestId: 1, body: request).encode())
            for _ in 0..<500 {
                try dispatcher.dispatcher.runTurn(pollTimeoutMilliseconds: 10)
                if let frames = try socket.receive(dontWait: true) { return try ClientMessage<ClientReply>.decode(frames).body }
            }
            throw TurnTestError("no reply to \(request)")
        }
        let opening = BatchOpening(name: "followed", asOf: "2026-01-31", whatIf: false, submittedBy: "tester", inputs: [])
        guard case .batchInfo(let opened) = try ask(owner, .batchOpen(opening)) else { throw TurnTestError("BATCH-OPEN refused") }
        let batchId = try #require(try jsonObject(opened)["id"] as? String)
        _ = worker

        let follower = try ZMQSocket(context: dispatcher.context, type: .dealer)
        try follower.setLinger(milliseconds: 0)
        try follower.connect(dispatcher.dispatcher.boundClientEndpoint)
        _ = try follower.send(ClientMessage(requestId: 7, body: ClientRequest.batchStatus(batchId, waitMilliseconds: 60_000)).encode())
        for _ in 0..<500 where dispatcher.dispatcher.batchFollowers.count == 0 {
            try dispatcher.dispatcher.runTurn(pollTimeoutMilliseconds: 10)
        }
        #expect(dispatcher.dispatcher.batchFollowers.count == 1)
        follower.close()
        for _ in 0..<500 where dispatcher.dispatcher.batchFollowers.count > 0 {
            try dispatcher.dispatcher.runTurn(pollTimeoutMilliseconds: 10)
        }
        #expect(dispatcher.dispatcher.batchFollowers.count == 0, "dropped with its connection")
    }
}
