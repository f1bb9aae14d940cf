@testable import ChungTayOperatorPage
import ChungTayWire
import Logging
import Testing

@Suite struct MetricsFeedTests {
    func figures(completed: Int, dead: Int, queued: Int = 0, workersInFlight: [Int] = []) -> MetricFigures {
        let report = StatusReport(
            clientEndpoint: "tcp://127.0.0.1:1", workerEndpoint: "tcp://127.0.0.1:2", draining: false, uptimeSeconds: 1,
            workers: workersInFlight.enumerated().map { index, inFlight in
                StatusReport.Worker(name: "w\(index)", protocol: "native", kinds: ["k"], credit: 1, inFlight: inFlight, lastSeenSecondsAgo: 0,
                                    state: inFlight > 0 ? .busy : .idle)
            },
            queues: ["k": StatusReport.Queue(queued: queued, delayed: 0, running: 0, completed: completed, dead: dead)],
            deadLetters: dead, pendingWaits: 0, pendingMajordomoReplies: 0,
            tasks: ["k": StatusReport.TaskOutcomes(succeeded: completed, deadLettered: dead)])
        return MetricFigures(DispatcherView.Snapshot(statusJSON: [], status: report, batches: []))
    }

    func lines(_ feed: MetricsFeed) -> Set<String> {
        Set(String(decoding: feed.text(), as: UTF8.self).split(separator: "\n").map(String.init))
    }

    /// Counters follow the reported totals by increments; a total that went down (the
    /// dispatcher restarted) counts from zero again, so the counter never decreases.
    @Test func countersOnlyGoUp() {
        let feed = MetricsFeed(logger: Logger(label: "test"))
        feed.update(with: figures(completed: 5, dead: 1, queued: 3, workersInFlight: [1, 0]))
        var text = lines(feed)
        #expect(text.contains(#"chungtay_tasks_total{kind="k",outcome="succeeded"} 5"#), "\(text)")
        #expect(text.contains(#"chungtay_tasks_total{kind="k",outcome="deadLettered"} 1"#), "\(text)")
        #expect(text.contains(#"chungtay_queue_depth{kind="k"} 3.0"#), "\(text)")
        #expect(text.contains(#"chungtay_workers{state="busy"} 1.0"#), "\(text)")
        #expect(text.contains(#"chungtay_workers{state="lost"} 0.0"#), "\(text)")
        feed.update(with: figures(completed: 9, dead: 1))
        text = lines(feed)
        #expect(text.contains(#"chungtay_tasks_total{kind="k",outcome="succeeded"} 9"#), "\(text)")
        #expect(text.contains(#"chungtay_workers{state="busy"} 0.0"#), "\(text)")
        feed.update(with: figures(completed: 2, dead: 0))
        text = lines(feed)
        #expect(text.contains(#"chungtay_tasks_total{kind="k",outcome="succeeded"} 11"#), "\(text)")
        #expect(text.contains(#"chungtay_tasks_total{kind="k",outcome="deadLettered"} 1"#), "\(text)")
    }

    /// Aggregated buckets come out as the same buckets, count and sum.
    @Test func histogramsAreReplayedBucketForBucket() {
        let feed = MetricsFeed(logger: Logger(label: "test"))
        var figures = figures(completed: 0, dead: 0)
        figures.taskDurations["k"] = .init(boundsSeconds: [0.01, 1], counts: [2, 1, 0], sumNanoseconds: 2 * 5_000_000 + 500_000_000)
        feed.update(with: figures)
        figures.taskDurations["k"] = .init(boundsSeconds: [0.01, 1], counts: [2, 1, 1], sumNanoseconds: 2 * 5_000_000 + 500_000_000 + 3_000_000_000)
        feed.update(with: figures)
        let text = lines(feed)
        #expect(text.contains(#"chungtay_task_duration_seconds_bucket{kind="k",le="0.01"} 2"#), "\(text)")
        #expect(text.contains(#"chungtay_task_duration_seconds_bucket{kind="k",le="1.0"} 3"#), "\(text)")
        #expect(text.contains(#"chungtay_task_duration_seconds_bucket{kind="k",le="+Inf"} 4"#), "\(text)")
        #expect(text.contains(#"chungtay_task_duration_seconds_count{kind="k"} 4"#), "\(text)")
        // Exact to within a nanosecond per observation (HistogramReplay).
        let sum = text.first { $0.hasPrefix(#"chungtay_task_duration_seconds_sum{kind="k"} "#) }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
        #expect(sum.map { abs($0 - 3.51) <= 4e-9 } == true, "\(text)")
    }
}
