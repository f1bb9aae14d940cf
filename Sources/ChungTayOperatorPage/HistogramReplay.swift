/// Turns aggregated bucket counts into the single observations a swift-metrics `Timer`
/// (a swift-prometheus histogram) takes, so the exported buckets and sum match the workers'.
///
/// The workers report non-cumulative bucket counts and the exact sum of durations, not the
/// durations. Each bucket's new observations are replayed at one value inside that bucket,
/// so every `le` bucket and `_count` is exact. The values are chosen so that the replayed
/// durations add up to the reported sum: finite buckets at the same relative position `t`
/// within their bounds, `t` solved from the sum; observations above the last bound share
/// what is left beyond the finite buckets' midpoints. The `_sum` is then exact to within a
/// nanosecond per observation, except when the reported sum is impossible for the counts
/// (then each value is clamped into its bucket).
enum HistogramReplay {
    /// The duration (nanoseconds) each bucket's observations are replayed at; `counts` are
    /// the new observations per bucket (one more than `boundsSeconds`), `sumNanoseconds` their sum.
    static func values(boundsSeconds: [Double], counts: [UInt64], sumNanoseconds: UInt64) -> [Int64] {
        let bounds = boundsSeconds.map { Double(Int64(($0 * 1e9).rounded())) }
        let lower = [0] + bounds
        let finite = bounds.indices
        let sum = Double(sumNanoseconds)
        // Values inside (lower, upper]: a nanosecond above the lower bound at least.
        func inside(_ bucket: Int, _ t: Double) -> Double {
            lower[bucket] + 1 + max(0, min(1, t)) * max(0, bounds[bucket] - lower[bucket] - 1)
        }
        let aboveLast = counts.count > bounds.count ? Double(counts[bounds.count]) : 0
        var values = [Int64](repeating: 0, count: bounds.count + 1)
        if aboveLast == 0 {
            var low = 0.0, span = 0.0
            for bucket in finite {
                low += Double(counts[bucket]) * (lower[bucket] + 1)
                span += Double(counts[bucket]) * max(0, bounds[bucket] - lower[bucket] - 1)
            }
            let t = span > 0 ? (sum - low) / span : 1
            for bucket in finite { values[bucket] = Int64(inside(bucket, t).rounded()) }
            values[bounds.count] = Int64(lower[bounds.count] + 1)
        } else {
            var finiteSum = 0.0
            for bucket in finite {
                let value = inside(bucket, 0.5).rounded()
                values[bucket] = Int64(value)
                finiteSum += Double(counts[bucket]) * value
            }
            let share = ((sum - finiteSum) / aboveLast).rounded()
            // Double(Int64.max) is 2^63, one past Int64's range: the largest double below it fits.
            values[bounds.count] = Int64(min(Double(Int64.max).nextDown, max(lower[bounds.count] + 1, share)))
        }
        return values
    }
}
