import ChungTayWire

/// `worker-stats`: the input is the stats frame of a HEARTBEAT (docs/PROTOCOL.md), decoded
/// as the dispatcher decodes a worker's heartbeat. Aimed at the counts, the histogram
/// buckets and their checked sums.
///
/// Properties: decoded stats encode to a frame that decodes to the same stats, and every
/// kind's histogram counts exactly its done and failed tasks.
enum WorkerStatsTarget {
    static let target = FuzzTarget(name: "worker-stats", run: run, seeds: seeds)

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard let stats = try? WorkerStats(frame: input) else { return }
        try check((try? WorkerStats(frame: stats.encoded())) == stats, "stats \(stats) do not survive encode and decode")
        for (kind, figures) in stats.kinds {
            try check(figures.durations.total == figures.done + figures.failed, "the histogram of \(kind) does not count its tasks")
        }
    }

    /// Two kinds, one with durations in the first, a middle and the overflow bucket.
    static var sample: WorkerStats {
        var review = WorkerStats.KindFigures(done: 2, failed: 1)
        for nanoseconds: UInt64 in [500_000, 40_000_000, 90_000_000_000] { review.durations.observe(nanoseconds: nanoseconds) }
        return WorkerStats(host: "may-tanh-linh-01", draining: true, inFlight: 7, logRecordsDropped: 3,
                           kinds: ["household.review": review, "loan.status": WorkerStats.KindFigures()])
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        seeds.add("empty", WorkerStats(host: "").encoded())
        seeds.add("two-kinds", sample.encoded())
        var extreme = WorkerStats.KindFigures(done: .max - 1, failed: 1)
        extreme.durations = (try? DurationHistogram(counts: [.max] + Array(repeating: 0, count: DurationHistogram.bucketCount - 1),
                                                    sumNanoseconds: .max)) ?? DurationHistogram()
        seeds.add("extremes", WorkerStats(host: String(repeating: "h", count: 255), inFlight: .max, logRecordsDropped: .max,
                                          kinds: ["a": extreme]).encoded())
        let frame = sample.encoded()
        seeds.add("truncated", Array(frame.prefix(frame.count / 2)))
        seeds.add("trailing-byte", frame + [0])
        return seeds.seeds
    }
}
