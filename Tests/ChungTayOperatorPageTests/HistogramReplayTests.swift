@testable import ChungTayOperatorPage
import Testing

@Suite struct HistogramReplayTests {
    let bounds = [0.001, 0.01, 0.1, 1]

    /// Each bucket's value lies in its bucket, and the replayed durations add up to the sum.
    func check(_ counts: [UInt64], sum: UInt64) {
        let values = HistogramReplay.values(boundsSeconds: bounds, counts: counts, sumNanoseconds: sum)
        let nanoseconds = [0] + bounds.map { Int64($0 * 1e9) }
        for (bucket, count) in counts.enumerated() where count > 0 {
            #expect(values[bucket] > nanoseconds[bucket], "bucket \(bucket): \(values)")
            if bucket < bounds.count { #expect(values[bucket] <= nanoseconds[bucket + 1], "bucket \(bucket): \(values)") }
        }
        let replayed = zip(counts, values).reduce(Int64(0)) { $0 + Int64($1.0) * $1.1 }
        let observations = Int64(counts.reduce(0, +))
        #expect(abs(replayed - Int64(sum)) <= observations, "replayed \(replayed) for \(sum): \(values)")
    }

    @Test func finiteBucketsKeepTheSum() {
        check([3, 0, 2, 1, 0], sum: 3 * 500_000 + 2 * 40_000_000 + 700_000_000)
        check([0, 5, 0, 0, 0], sum: 5 * 1_000_001)
        check([0, 5, 0, 0, 0], sum: 5 * 10_000_000)
        check([1, 1, 1, 1, 0], sum: 1_000_000 + 10_000_000 + 100_000_000 + 1_000_000_000)
    }

    @Test func observationsAboveTheLastBoundTakeTheRest() {
        check([2, 0, 0, 1, 3], sum: 2 * 100_000 + 600_000_000 + 3 * 7_000_000_000)
    }

    @Test func anImpossibleSumStaysInsideTheBuckets() {
        let counts: [UInt64] = [0, 0, 4, 0, 0]
        let values = HistogramReplay.values(boundsSeconds: bounds, counts: counts, sumNanoseconds: 1)
        #expect(values[2] > 10_000_000 && values[2] <= 100_000_000)
        let high = HistogramReplay.values(boundsSeconds: bounds, counts: counts, sumNanoseconds: .max)
        #expect(high[2] > 10_000_000 && high[2] <= 100_000_000)
    }

    /// A sum near 2^64 over one observation above the last bound: the share is 2^63, one
    /// past Int64, and converting it trapped (the scrape ran in the dispatcher process).
    @Test func aHugeSumAboveTheLastBoundDoesNotTrap() {
        let values = HistogramReplay.values(boundsSeconds: bounds, counts: [0, 0, 0, 0, 1], sumNanoseconds: .max)
        #expect(values[4] > 1_000_000_000)
        let mixed = HistogramReplay.values(boundsSeconds: bounds, counts: [1, 0, 0, 0, 1], sumNanoseconds: .max)
        #expect(mixed[4] > 1_000_000_000)
    }
}
