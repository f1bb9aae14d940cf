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
}
