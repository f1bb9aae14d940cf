import ChungTayWire

/// The range each batch counter can reach while one turn's counters are applied, so a
/// SUBMIT or RESULT whose counters could push a counter out of the i64 range, or give its
/// batch too many counters, is refused before anything of it is accepted.
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

    private struct Batch {
        var ranges: [String: Range] = [:]
        /// Names admitted this turn that the batch did not hold before it.
        var newNames = 0
    }

    private var batches: [String: Batch] = [:]

    /// Admits `counters` into `batchId`'s bounds, whose values before the turn are `current`;
    /// the refusal (and nothing admitted) when a bound would leave the i64 range or the
    /// counters are too many.
    mutating func admit(_ counters: [Counter], into batchId: String, current: [String: Int64]) -> WireError? {
        admit([(counters, batchId, current)])
    }

    /// Admits every job's counters, or (with the first refusal) none of them, so a SUBMIT is
    /// refused whole. Costs the jobs' counters only: the turn's ranges are changed in place
    /// through the dictionaries' subscripts, never copied.
    mutating func admit(_ jobs: [(counters: [Counter], batchId: String, current: [String: Int64])]) -> WireError? {
        var tentative: [String: [String: Range]] = [:]
        var newNames: [String: Int] = [:]
        for (counters, batchId, current) in jobs where !counters.isEmpty {
            guard counters.count <= Counter.maxPerJob else {
                return WireError(.tooManyCounters, "a job carries \(counters.count) counters, at most \(Counter.maxPerJob) are allowed")
            }
            for counter in counters {
                var range: Range
                if let seen = tentative[batchId]?[counter.name] ?? batches[batchId]?.ranges[counter.name] {
                    range = seen
                } else {
                    let start = current[counter.name]
                    if start == nil { newNames[batchId, default: 0] += 1 }
                    range = Range(low: start ?? 0, high: start ?? 0)
                }
                let (sum, overflow) = (counter.value < 0 ? range.low : range.high).addingReportingOverflow(counter.value)
                guard !overflow else {
                    return WireError(.counterOverflow, "the counters would take counter \(counter.name) of batch \(batchId) out of the i64 range")
                }
                if counter.value < 0 { range.low = sum } else { range.high = sum }
                tentative[batchId, default: [:]][counter.name] = range
            }
            let names = current.count + (batches[batchId]?.newNames ?? 0) + (newNames[batchId] ?? 0)
            guard newNames[batchId] == nil || names <= Counter.maxNamesPerBatch else {
                return WireError(.tooManyCounters, "the counters would give batch \(batchId) \(names) counter names, at most \(Counter.maxNamesPerBatch) are allowed")
            }
        }
        for (batchId, ranges) in tentative {
            batches[batchId, default: Batch()].newNames += newNames[batchId] ?? 0
            for (name, range) in ranges { batches[batchId, default: Batch()].ranges[name] = range }
        }
        return nil
    }

    /// Adds `value` to a counter already proved to stay in range by `admit`; saturating only
    /// keeps a flaw in that proof from trapping the dispatcher.
    static func add(_ value: Int64, to total: inout Int64) {
        let (sum, overflow) = total.addingReportingOverflow(value)
        total = overflow ? (value < 0 ? .min : .max) : sum
    }
}
