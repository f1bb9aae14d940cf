import ChungTayWire
import Foundation
import Testing

@testable import ChungTayDispatcher

/// The STATUS-REPORT figures that depend on time and on the workers' heartbeats, turn by
/// turn with the manual clock, so ages are exact.
@Suite struct StatusFiguresTurnTests {
    @Test func queueAgeRetriesOutcomesAndAWorkersReportedState() throws {
        let dispatcher = try InProcessDispatcher {
            $0.maxAttempts = 3
            $0.retryBaseDelay = .seconds(2)
        }
        let worker = try TurnWorker(dispatcher, name: "slow", kinds: ["test.queue"], credit: 1)
        let client = try TurnClient(dispatcher)
        try dispatcher.turn()
        _ = try DispatcherTurnTests().submit([Array("{}".utf8), Array("{}".utf8)], kind: "test.queue", by: client, in: dispatcher)
        let task = try #require(try worker.receivedTasks().first)
        try dispatcher.advance(by: 5, beforeEachTurn: worker.heartbeat)

        var status = dispatcher.dispatcher.statusReport()
        var queue = try #require(status.queues["test.queue"])
        #expect(queue.queued == 1 && queue.oldestWaitingSeconds == 5 && queue.retriesWaiting == 0)
        #expect(status.leasesInFlight == 1)
        #expect(status.workers.map(\.state) == [.busy])

        // A failed attempt waits out its backoff: a retry waiting; the second task now runs.
        try worker.fail(task)
        var figures = WorkerStats.KindFigures(failed: 1)
        figures.durations.observe(nanoseconds: 3_000_000)
        try worker.send(.heartbeat(WorkerStats(host: "may-3", draining: true, inFlight: 1, kinds: ["test.queue": figures])))
        try dispatcher.turn()
        status = dispatcher.dispatcher.statusReport()
        queue = try #require(status.queues["test.queue"])
        #expect(queue.retriesWaiting == 1 && queue.delayed == 1)
        #expect(status.tasks["test.queue"] == StatusReport.TaskOutcomes(failed: 1, retried: 1))
        let shown = try #require(status.workers.first)
        #expect(shown.state == .draining && shown.host == "may-3" && shown.failed == 1 && shown.done == 0)
        #expect(status.taskDurations["test.queue"]?.counts[DurationHistogram.boundsSeconds.firstIndex(of: 0.005)!] == 1)
    }

    /// A HEARTBEAT whose stats do not parse, or a LOG that does not decode, ended no lease:
    /// the worker gets ERROR and keeps its registration and its tasks (it used to be
    /// disconnected with every task it held charged a failed attempt).
    @Test func aRefusedHeartbeatOrLogKeepsTheWorkersLeases() throws {
        let dispatcher = try InProcessDispatcher()
        let worker = try TurnWorker(dispatcher, name: "w", kinds: ["test.queue"], credit: 1)
        let client = try TurnClient(dispatcher)
        try dispatcher.turn()
        _ = try DispatcherTurnTests().submit([Array("{}".utf8)], kind: "test.queue", by: client, in: dispatcher)
        let task = try #require(try worker.receivedTasks().first)

        for command in [WorkerProtocol.Command.heartbeat, .log] {
            let frames: [[UInt8]] = [WorkerProtocol.header, [command.rawValue], [9, 9, 9]]
            #expect(try worker.socket.send(frames, dontWait: true))
            try dispatcher.turn()
            var replies: [WorkerMessage] = []
            while let reply = try worker.socket.receive(dontWait: true) { replies.append(try WorkerMessage.decode(reply.dropFirst())) }
            #expect(replies.count == 1, "\(command): \(replies)")
            guard case .error(let code, _) = replies.first else { Issue.record("\(command): \(replies)"); continue }
            #expect(code == "malformed")
            let status = dispatcher.dispatcher.statusReport()
            #expect(status.leasesInFlight == 1, "\(command)")
            #expect(status.workers.map(\.state) == [.busy], "\(command)")
            #expect(status.tasks["test.queue"]?.failed ?? 0 == 0, "\(command)")
        }
        // Heartbeats whose stats this dispatcher refuses (a newer worker's) still show the worker alive.
        try dispatcher.advance(by: 30) {
            _ = try worker.socket.send([WorkerProtocol.header, [WorkerProtocol.Command.heartbeat.rawValue], [9]], dontWait: true)
        }
        #expect(dispatcher.dispatcher.statusReport().leasesInFlight == 1)
        try worker.succeed(task)
        try dispatcher.turn()
        #expect(dispatcher.dispatcher.statusReport().tasks["test.queue"]?.succeeded == 1)
    }

    /// Two kinds whose `done` add up past Int.max: the worker's `done` stops at Int.max
    /// (it wrapped to a negative count).
    @Test func aWorkersClaimedCountsSaturate() throws {
        let dispatcher = try InProcessDispatcher()
        let worker = try TurnWorker(dispatcher, name: "w", kinds: ["test.a", "test.b"], credit: 1)
        try dispatcher.turn()
        func figures(_ done: UInt64) throws -> WorkerStats.KindFigures {
            let counts = [done] + Array(repeating: UInt64(0), count: DurationHistogram.bucketCount - 1)
            return WorkerStats.KindFigures(done: done, durations: try DurationHistogram(counts: counts, sumNanoseconds: 0))
        }
        let huge = UInt64(Int.max)
        try worker.send(.heartbeat(WorkerStats(host: "h", logRecordsDropped: .max,
                                               kinds: ["test.a": try figures(huge), "test.b": try figures(huge)])))
        try dispatcher.turn()
        let status = dispatcher.dispatcher.statusReport()
        #expect(status.workers.first?.done == Int.max)
        #expect(status.logRecordsDropped == Int.max)
    }
}
