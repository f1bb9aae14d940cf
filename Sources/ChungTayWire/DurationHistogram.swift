/// Counts of durations in fixed buckets, with their exact sum: what a worker reports of
/// its tasks and what the dispatcher keeps of its journal commits.
///
/// The buckets are fixed (``boundsSeconds``, the same on every process and version) so two
/// histograms add bucket by bucket, and a cumulative report minus the previous one is the
/// work done in between. Counts are non-cumulative: `counts[i]` holds durations in
/// `(bounds[i-1], bounds[i]]`, and the last count those above the last bound. Every addition
/// and subtraction is checked: the figures come from other processes.
public struct DurationHistogram: Equatable, Sendable {
    /// Upper bounds in seconds: from a millisecond (a commit, an echo task) to a minute
    /// (a large batch chunk); one more bucket holds everything longer.
    public static let boundsSeconds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
    /// The same bounds in nanoseconds, for ``observe(nanoseconds:)``.
    static let boundsNanoseconds: [UInt64] = boundsSeconds.map { UInt64(($0 * 1e9).rounded()) }
    public static var bucketCount: Int { boundsSeconds.count + 1 }
    /// The longest duration one observation counts for (about 11.6 days; a longer one counts
    /// as this): what bounds a reported sum above the last bucket's bound.
    public static let longestObservationNanoseconds: UInt64 = 1_000_000_000_000_000

    public private(set) var counts: [UInt64]
    public private(set) var sumNanoseconds: UInt64

    public init() {
        counts = Array(repeating: 0, count: Self.bucketCount)
        sumNanoseconds = 0
    }

    /// - Throws: `malformed` unless there is one count per bucket.
    public init(counts: [UInt64], sumNanoseconds: UInt64) throws(WireError) {
        guard counts.count == Self.bucketCount else {
            throw WireError(.malformed, "a duration histogram has \(Self.bucketCount) buckets, not \(counts.count)")
        }
        self.counts = counts
        self.sumNanoseconds = sumNanoseconds
    }

    /// Observations in all buckets; nil when they would not fit 64 bits.
    public var total: UInt64? {
        var total: UInt64 = 0
        for count in counts {
            let (sum, overflow) = total.addingReportingOverflow(count)
            if overflow { return nil }
            total = sum
        }
        return total
    }

    /// The largest sum the counts allow: each count times its bucket's upper bound
    /// (``longestObservationNanoseconds`` for the last); nil when it would not fit 64 bits
    /// (then no sum is too large).
    public var largestPossibleSumNanoseconds: UInt64? {
        var largest: UInt64 = 0
        for (bucket, count) in counts.enumerated() {
            let bound = bucket < Self.boundsNanoseconds.count ? Self.boundsNanoseconds[bucket] : Self.longestObservationNanoseconds
            let (product, productOverflow) = count.multipliedReportingOverflow(by: bound)
            let (sum, sumOverflow) = largest.addingReportingOverflow(product)
            if productOverflow || sumOverflow { return nil }
            largest = sum
        }
        return largest
    }

    /// One duration (at most ``longestObservationNanoseconds``); counts and sum stop at
    /// their maximum instead of wrapping.
    public mutating func observe(nanoseconds: UInt64) {
        let nanoseconds = min(nanoseconds, Self.longestObservationNanoseconds)
        let bucket = Self.boundsNanoseconds.firstIndex { nanoseconds <= $0 } ?? Self.boundsNanoseconds.count
        if counts[bucket] < .max { counts[bucket] += 1 }
        let (sum, overflow) = sumNanoseconds.addingReportingOverflow(nanoseconds)
        sumNanoseconds = overflow ? .max : sum
    }

    /// Adds `other` in place (no allocation); a figure that would overflow stops at its maximum.
    public mutating func add(_ other: DurationHistogram) {
        for index in counts.indices {
            let (value, overflow) = counts[index].addingReportingOverflow(other.counts[index])
            counts[index] = overflow ? .max : value
        }
        let (sum, overflow) = sumNanoseconds.addingReportingOverflow(other.sumNanoseconds)
        sumNanoseconds = overflow ? .max : sum
    }

    /// Both histograms together; nil when a figure would overflow.
    public func adding(_ other: DurationHistogram) -> DurationHistogram? {
        combined(with: other) { $0.addingReportingOverflow($1) }
    }

    /// What was added since `earlier`; nil when a figure went down (the reporter restarted).
    public func subtracting(_ earlier: DurationHistogram) -> DurationHistogram? {
        combined(with: earlier) { $0.subtractingReportingOverflow($1) }
    }

    private func combined(
        with other: DurationHistogram, _ operation: (UInt64, UInt64) -> (partialValue: UInt64, overflow: Bool)
    ) -> DurationHistogram? {
        var result = DurationHistogram()
        for index in counts.indices {
            let (value, overflow) = operation(counts[index], other.counts[index])
            if overflow { return nil }
            result.counts[index] = value
        }
        let (sum, overflow) = operation(sumNanoseconds, other.sumNanoseconds)
        if overflow { return nil }
        result.sumNanoseconds = sum
        return result
    }
}
