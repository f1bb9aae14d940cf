import Testing
@testable import ChungTayWire

@Suite struct WorkerStatsTests {
    private func figures(done: UInt64, failed: UInt64, milliseconds: [UInt64]) -> WorkerStats.KindFigures {
        var figures = WorkerStats.KindFigures(done: done, failed: failed)
        for value in milliseconds { figures.durations.observe(nanoseconds: value * 1_000_000) }
        return figures
    }

    @Test func statsRoundTripThroughTheirFrame() throws {
        let stats = WorkerStats(host: "tanh-linh-02", draining: true, inFlight: 12, logRecordsDropped: 4, kinds: [
            "system.echo": figures(done: 2, failed: 1, milliseconds: [1, 30, 70_000]),
            "loan.status": WorkerStats.KindFigures(),
        ])
        #expect(try WorkerStats(frame: stats.encoded()) == stats)
        #expect(stats.kinds["system.echo"]?.durations.counts.last == 1, "70 s lands above the last bound")
        #expect(stats.kinds["system.echo"]?.durations.sumNanoseconds == 70_031_000_000)
    }

    @Test func aHistogramThatDoesNotCountTheTasksIsRefused() throws {
        let stats = WorkerStats(host: "h", kinds: ["system.echo": figures(done: 3, failed: 0, milliseconds: [1, 2])])
        #expect(throws: WireError.self) { try WorkerStats(frame: stats.encoded()) }
    }

    @Test func countsThatWouldOverflowAreRefused() throws {
        // done + failed past 2^64: the check itself must not trap.
        let histogram = try DurationHistogram(counts: [.max, 1] + Array(repeating: 0, count: DurationHistogram.bucketCount - 2),
                                              sumNanoseconds: 0)
        let stats = WorkerStats(host: "h", kinds: ["a": WorkerStats.KindFigures(done: .max, failed: 1, durations: histogram)])
        #expect(throws: WireError.self) { try WorkerStats(frame: stats.encoded()) }
        #expect(histogram.total == nil)
    }

    @Test func otherVersionsFlagsAndTrailingBytesAreRefused() throws {
        let frame = WorkerStats(host: "h").encoded()
        for bad in [[2] + frame.dropFirst(), [frame[0], 2] + frame.dropFirst(2), frame + [0], Array(frame.dropLast())] {
            #expect(throws: WireError.self) { try WorkerStats(frame: Array(bad)) }
        }
    }

    @Test func aHeartbeatWithoutStatsStillDecodes() throws {
        #expect(try WorkerMessage.decode([[WorkerProtocol.Command.heartbeat.rawValue]][...]) == .heartbeat(nil))
        #expect(throws: WireError.self) {
            try WorkerMessage.decode([[WorkerProtocol.Command.heartbeat.rawValue], [], []][...])
        }
    }

    @Test func aLaterReportMinusAnEarlierOneIsTheWorkDoneBetween() throws {
        let earlier = figures(done: 1, failed: 0, milliseconds: [4])
        let later = figures(done: 3, failed: 1, milliseconds: [4, 4, 200, 9_000])
        let change = try #require(later.subtracting(earlier))
        #expect(change.done == 2 && change.failed == 1 && change.durations.total == 3)
        #expect(earlier.subtracting(later) == nil, "a lower report is a restarted worker, not a negative change")
    }

    @Test func aLongHostNameIsCutAtACharacterBoundary() {
        let stats = WorkerStats(host: String(repeating: "ố", count: 200))
        #expect(stats.host.utf8.count <= WorkerStats.maxHostBytes)
        #expect(stats.host.allSatisfy { $0 == "ố" })
    }

    @Test func aSumAboveWhatTheBucketsAllowIsRefused() throws {
        // One failed task above the last bound with a sum of 2^64 - 1 crashed the metrics page.
        let counts = Array(repeating: UInt64(0), count: DurationHistogram.bucketCount - 1) + [1]
        let huge = try DurationHistogram(counts: counts, sumNanoseconds: .max)
        let stats = WorkerStats(host: "h", kinds: ["a": WorkerStats.KindFigures(failed: 1, durations: huge)])
        #expect(throws: WireError.self) { try WorkerStats(frame: stats.encoded()) }
        let longest = try DurationHistogram(counts: counts, sumNanoseconds: DurationHistogram.longestObservationNanoseconds)
        let fits = WorkerStats(host: "h", kinds: ["a": WorkerStats.KindFigures(failed: 1, durations: longest)])
        #expect(try WorkerStats(frame: fits.encoded()) == fits)
        let oneMillisecond = try DurationHistogram(counts: [1] + counts.dropLast(), sumNanoseconds: 1_000_001)
        #expect(throws: WireError.self) {
            try WorkerStats(frame: WorkerStats(host: "h", kinds: ["a": .init(done: 1, durations: oneMillisecond)]).encoded())
        }
    }

    @Test func anObservationCountsForAtMostTheLongestDuration() {
        var histogram = DurationHistogram()
        histogram.observe(nanoseconds: .max)
        #expect(histogram.sumNanoseconds == DurationHistogram.longestObservationNanoseconds)
    }

    @Test func countingInPlaceSaturatesAndAddsUp() throws {
        var batch = WorkerStats.KindFigures()
        batch.count(done: true, nanoseconds: 2_000_000)
        batch.count(done: false, nanoseconds: 70_000_000_000)
        #expect(batch.done == 1 && batch.failed == 1 && batch.durations.total == 2)
        var total = WorkerStats.KindFigures(done: .max)
        total.add(batch)
        total.add(batch)
        #expect(total.done == .max && total.failed == 2)
        #expect(total.durations.sumNanoseconds == 2 * 70_002_000_000 && total.durations.counts.last == 2)
    }
}
