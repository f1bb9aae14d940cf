import ChungTayWire
import Testing

@testable import ChungTayDispatcher

@Suite("OperatorFigures")
struct OperatorFiguresTests {
    private func worker(_ id: UInt8, name: String = "w", kinds: [String] = ["system.echo"]) -> WorkerRecord {
        WorkerRecord(envelope: Envelope(routingId: [id], hasDelimiter: false), name: name, kinds: kinds, credit: 8,
                     wireProtocol: .native, lastSeen: 0)
    }

    private func stats(done: UInt64, milliseconds: UInt64 = 2, kind: String = "system.echo") -> WorkerStats {
        var figures = WorkerStats.KindFigures(done: done)
        for _ in 0..<done { figures.durations.observe(nanoseconds: milliseconds * 1_000_000) }
        return WorkerStats(host: "h", kinds: [kind: figures])
    }

    private func report(_ record: WorkerRecord) -> StatusReport.Worker {
        StatusReport.Worker(name: record.name, protocol: "native", kinds: record.kinds, credit: record.credit, inFlight: 3,
                            lastSeenSecondsAgo: 0)
    }

    @Test("durations add each report's change; a lower report is a restarted worker and counts whole")
    func durationsAddChangesAndARestartCountsWhole() {
        var figures = OperatorFigures()
        let alpha = worker(1)
        figures.received(stats(done: 5), from: alpha, at: 1)
        figures.received(stats(done: 8), from: alpha, at: 2)
        #expect(figures.taskDurations["system.echo"]?.total == 8)
        #expect(figures.reported[alpha.envelope]?.tasksPerSecond == 3)
        figures.received(stats(done: 2), from: alpha, at: 3)
        #expect(figures.taskDurations["system.echo"]?.total == 10)
    }

    @Test("kinds the worker did not announce are ignored, so the table stays bounded")
    func unannouncedKindsAreIgnored() {
        var figures = OperatorFigures()
        figures.received(stats(done: 4, kind: "made.up"), from: worker(1), at: 1)
        #expect(figures.taskDurations.isEmpty)
    }

    @Test("lost workers are listed at most 32, for 10 minutes, and leave the list when they register again")
    func lostWorkersAreBounded() {
        var figures = OperatorFigures()
        for id in 0..<40 {
            let record = worker(UInt8(id), name: "w\(id)")
            figures.left(record, died: true, report: report(record))
        }
        let listed = figures.lostWorkers(at: 1)
        #expect(listed.count == StatusReport.maxLostWorkers)
        #expect(listed.first?.name == "w39" && listed.allSatisfy { $0.state == .lost && $0.inFlight == 0 })
        figures.registered(worker(99, name: "w39"), at: 2)
        #expect(figures.lostWorkers(at: 2).first?.name == "w38")
        #expect(figures.lostWorkers(at: Double(StatusReport.lostWorkerMinutes * 60) + 1).isEmpty)
        let departed = worker(7, name: "clean")
        figures.left(departed, died: false, report: report(departed))
        #expect(figures.lostWorkers(at: 0).isEmpty, "a worker that said DISCONNECT is not lost")
    }

    @Test("a reconnected worker's next report counts from its last one, not twice")
    func aReconnectionKeepsTheBaseline() {
        var figures = OperatorFigures()
        let first = worker(1, name: "alpha")
        figures.received(stats(done: 6), from: first, at: 1)
        figures.left(first, died: true, report: report(first))
        let again = worker(2, name: "alpha")
        figures.registered(again, at: 2)
        figures.received(stats(done: 9), from: again, at: 3)
        #expect(figures.taskDurations["system.echo"]?.total == 9)
    }

    @Test("outcomes: a retried or dead-lettered attempt is a failed one too")
    func outcomesCountFailuresOnce() {
        var counts = KindCounts(states: [.completed: 4, .dead: 2, .queued: 7])
        counts.succeeded()
        counts.failed(deadLettered: false)
        counts.failed(deadLettered: true)
        counts.outcomes.timedOut += 1
        #expect(counts.outcomes == StatusReport.TaskOutcomes(succeeded: 1, failed: 2, retried: 1, deadLettered: 1, timedOut: 1))
        #expect(counts.completed == 5 && counts.dead == 3)
    }

    @Test("a rate needs two samples a second apart")
    func rateMeter() {
        var meter = RateMeter(now: 0, value: 0)
        meter.observe(now: 0.5, value: 10)
        #expect(meter.perSecond == 0)
        meter.observe(now: 2, value: 40)
        #expect(meter.perSecond == 20)
    }
}
