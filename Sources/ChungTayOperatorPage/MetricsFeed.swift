import Logging
import Metrics
import Prometheus
import Synchronization

/// `/metrics`: each new answer of the dispatcher fed through swift-metrics into a
/// Prometheus registry of the listener's own (the process-wide `MetricsSystem` is left
/// alone), then written as Prometheus text by swift-prometheus.
///
/// Counters only go up: each is incremented by its figure's increase since the previous
/// answer; a figure that went down (the dispatcher restarted) counts from zero again.
/// Histograms are replayed from bucket counts (`HistogramReplay`), at most
/// `maxReplayedObservations` per answer so that a worker reporting absurd counts cannot
/// hold the listener; what is over it is skipped and logged.
final class MetricsFeed: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let state: Mutex<State>
    private let logger: Logger
    static let maxReplayedObservations: UInt64 = 1 << 20

    /// A series: its name and label pairs, flattened so it can be a dictionary key.
    fileprivate struct Series: Hashable {
        var name: String
        var labels: [String]

        init(_ name: String, _ labels: [(String, String)] = []) {
            self.name = name
            self.labels = labels.flatMap { [$0.0, $0.1] }
        }

        var dimensions: [(String, String)] { stride(from: 0, to: labels.count, by: 2).map { (labels[$0], labels[$0 + 1]) } }
    }

    fileprivate struct State {
        var factory: PrometheusMetricsFactory
        var counted: [Series: Int] = [:]
        var counters: [Series: CoreMetrics.Counter] = [:]
        var gauges: [Series: CoreMetrics.Gauge] = [:]
        var replayed: [Series: (counts: [UInt64], sumNanoseconds: UInt64)] = [:]
        var timers: [Series: Metrics.Timer] = [:]
    }

    init(logger: Logger) {
        self.logger = logger
        state = Mutex(State(factory: PrometheusMetricsFactory(registry: registry)))
    }

    func text() -> [UInt8] { registry.emitToBuffer() }

    func update(with figures: MetricFigures) {
        state.withLock { state in
            for (kind, outcomes) in figures.tasks {
                for (outcome, total) in outcomes {
                    state.count(Series("chungtay_tasks_total", [("kind", kind), ("outcome", outcome)]), total)
                }
            }
            state.count(Series("chungtay_log_records_dropped_total"), figures.logRecordsDropped)

            var gauges: [Series: Double] = [:]
            for (kind, depth) in figures.queueDepth { gauges[Series("chungtay_queue_depth", [("kind", kind)])] = Double(depth) }
            for (kind, age) in figures.oldestWaitingSeconds {
                gauges[Series("chungtay_queue_oldest_waiting_seconds", [("kind", kind)])] = age
            }
            gauges[Series("chungtay_leases_in_flight")] = Double(figures.leasesInFlight)
            gauges[Series("chungtay_dead_letters")] = Double(figures.deadLetters)
            for (workerState, count) in figures.workersByState { gauges[Series("chungtay_workers", [("state", workerState)])] = Double(count) }
            for batch in figures.batches {
                for (jobState, count) in [("queued", batch.queued), ("completed", batch.completed), ("dead", batch.dead)] {
                    gauges[Series("chungtay_batch_tasks", [("batch", batch.id), ("state", jobState)])] = Double(count)
                }
                let total = batch.queued + batch.completed + batch.dead
                gauges[Series("chungtay_batch_progress_ratio", [("batch", batch.id)])] =
                    total > 0 ? Double(batch.completed + batch.dead) / Double(total) : 0
            }
            state.setGauges(gauges)

            var budget = Self.maxReplayedObservations
            var skipped: UInt64 = 0
            for (kind, histogram) in figures.taskDurations {
                state.replay(Series("chungtay_task_duration_seconds", [("kind", kind)]), histogram, budget: &budget, skipped: &skipped)
            }
            if let commits = figures.journalCommitDurations {
                state.replay(Series("chungtay_journal_commit_duration_seconds"), commits, budget: &budget, skipped: &skipped)
            }
            if skipped > 0 {
                logger.warning("metrics: more than \(Self.maxReplayedObservations) new durations in one status answer; \(skipped) skipped")
            }
        }
    }
}

extension MetricsFeed.State {
    fileprivate mutating func count(_ series: MetricsFeed.Series, _ total: Int) {
        let previous = counted[series] ?? 0
        let (increase, overflow) = total.subtractingReportingOverflow(previous)
        counted[series] = total
        let step = overflow || increase < 0 ? max(0, total) : increase
        let counter = counters[series] ?? CoreMetrics.Counter(label: series.name, dimensions: series.dimensions, factory: factory)
        counters[series] = counter
        if step > 0 { counter.increment(by: Int64(step)) }
    }

    /// Sets every gauge in `values`; a series not in it any more (a batch gone from the
    /// latest) is removed from the registry.
    fileprivate mutating func setGauges(_ values: [MetricsFeed.Series: Double]) {
        for (series, gauge) in gauges where values[series] == nil {
            gauge.destroy()
            gauges[series] = nil
        }
        for (series, value) in values {
            let gauge = gauges[series] ?? CoreMetrics.Gauge(label: series.name, dimensions: series.dimensions, factory: factory)
            gauges[series] = gauge
            gauge.record(value)
        }
    }

    fileprivate mutating func replay(
        _ series: MetricsFeed.Series, _ histogram: MetricFigures.Histogram, budget: inout UInt64, skipped: inout UInt64
    ) {
        guard histogram.counts.count == histogram.boundsSeconds.count + 1 else { return }
        let before = replayed[series] ?? (Array(repeating: 0, count: histogram.counts.count), 0)
        var counts = histogram.counts
        var sum = histogram.sumNanoseconds
        // Less than before anywhere: the reporter restarted, so all of it is new.
        if before.counts.count == counts.count, sum >= before.sumNanoseconds,
           zip(counts, before.counts).allSatisfy({ $0 >= $1 }) {
            counts = zip(counts, before.counts).map { $0 - $1 }
            sum -= before.sumNanoseconds
        }
        replayed[series] = (histogram.counts, histogram.sumNanoseconds)
        let timer = timers[series] ?? {
            var factory = factory
            factory.durationHistogramBuckets[series.name] = histogram.boundsSeconds.map { .nanoseconds(Int64(($0 * 1e9).rounded())) }
            return Metrics.Timer(label: series.name, dimensions: series.dimensions, factory: factory)
        }()
        timers[series] = timer
        let values = HistogramReplay.values(boundsSeconds: histogram.boundsSeconds, counts: counts, sumNanoseconds: sum)
        for (bucket, count) in counts.enumerated() {
            let replayed = min(count, budget)
            budget -= replayed
            let (total, overflow) = skipped.addingReportingOverflow(count - replayed)
            skipped = overflow ? .max : total
            for _ in 0..<replayed { timer.recordNanoseconds(values[bucket]) }
        }
    }
}
