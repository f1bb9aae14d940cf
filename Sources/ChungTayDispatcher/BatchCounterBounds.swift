import ChungTayWire

/// The range each batch counter can reach while one turn's counters are applied, so a
/// SUBMIT or RESULT whose counters could push a counter out of the i64 range is refused
/// before anything of it is accepted.
///
/// Of a turn's counters only those of items that apply reach the journal (a SUBMIT whose
/// idempotency key matches an earlier job adds nothing, nor does a completion of a job no
/// longer queued), and they are added one at a time. Every such partial sum lies between
/// the value before the turn plus all negative values and that value plus all positive
/// values. Keeping both of those in range therefore proves that no addition overflows:
/// not in SQLite, where an integer sum out of range silently becomes a REAL that the next
/// start cannot read back, and not in `BatchTable`.
struct BatchCounterBounds {
    private struct Range {
        var low: Int64
        var high: Int64
    }

    private var ranges: [String: [String: Range]] = [:]

    /// Admits `counters` into `batchId`'s bounds, whose values before the turn are `current`;
    /// false (and nothing admitted) when a bound would leave the i64 range.
    mutating func admit(_ counters: [Counter], into batchId: String, current: [String: Int64]) -> Bool {
        guard !counters.isEmpty else { return true }
        var batch = ranges[batchId] ?? [:]
        for counter in counters {
            let start = current[counter.name] ?? 0
            var range = batch[counter.name] ?? Range(low: start, high: start)
            let (sum, overflow) = (counter.value < 0 ? range.low : range.high).addingReportingOverflow(counter.value)
            guard !overflow else { return false }
            if counter.value < 0 { range.low = sum } else { range.high = sum }
            batch[counter.name] = range
        }
        ranges[batchId] = batch
        return true
    }

    /// Adds `value` to a counter already proved to stay in range by `admit`; saturating only
    /// keeps a flaw in that proof from trapping the dispatcher.
    static func add(_ value: Int64, to total: inout Int64) {
        let (sum, overflow) = total.addingReportingOverflow(value)
        total = overflow ? (value < 0 ? .min : .max) : sum
    }
}
