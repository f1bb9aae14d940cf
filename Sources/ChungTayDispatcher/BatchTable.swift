import ChungTayStore
import ChungTayWire
import Foundation

/// The dispatcher's view of every batch: its journal record, its counters and how many
/// of its jobs are queued, completed or dead.
///
/// Seeded from the journal at start and kept in step with each commit, so completion
/// ("sealed, and nothing of it queued") is always a fact about durable state.
struct BatchTable {
    struct Entry {
        var record: BatchRecord
        var counters: [String: Int64]
        var jobs: [JobState: Int]
        var workers: Set<String>

        var queuedJobs: Int { jobs[.queued] ?? 0 }
        var isSealed: Bool { record.sealedAt != nil }
        var isComplete: Bool { record.completedAt != nil }
        var isReadyToComplete: Bool { isSealed && !isComplete && queuedJobs == 0 }

        /// Why `sealing` cannot seal this batch, or nil when it can. A seal must declare
        /// exactly the chunks the dispatcher accepted (`accepted/householdChunks`,
        /// `accepted/loanChunks`), so no peer can end someone else's batch before its
        /// chunks are in; sealing again must repeat the first seal, and then changes nothing.
        func sealMismatch(_ sealing: BatchSealing) -> String? {
            if isSealed {
                guard record.householdChunks == sealing.householdChunks, record.loanChunks == sealing.loanChunks,
                      record.inputErrors == sealing.inputErrors else {
                    return "batch \(record.id) is already sealed with \(record.householdChunks ?? 0) household chunks, "
                        + "\(record.loanChunks ?? 0) loan chunks and \(record.inputErrors ?? 0) input errors"
                }
                return nil
            }
            let households = counters["accepted/householdChunks"] ?? 0
            let loans = counters["accepted/loanChunks"] ?? 0
            guard Int64(exactly: sealing.householdChunks) == households, Int64(exactly: sealing.loanChunks) == loans else {
                return "batch \(record.id) has \(households) household chunks and \(loans) loan chunks accepted, "
                    + "the seal declares \(sealing.householdChunks) and \(sealing.loanChunks)"
            }
            return nil
        }

        var state: String {
            if isComplete { return BatchStatus.complete }
            return isSealed ? BatchStatus.running : BatchStatus.accepting
        }
    }

    private(set) var entries: [String: Entry] = [:]
    private var idsByName: [String: String] = [:]

    init(journal: JobJournal) throws {
        let counters = try journal.batchCounters()
        let jobs = try journal.batchJobCounts()
        let workers = try journal.batchWorkers()
        for record in try journal.batches() {
            insert(Entry(record: record, counters: counters[record.id] ?? [:], jobs: jobs[record.id] ?? [:],
                         workers: workers[record.id] ?? []))
        }
    }

    subscript(id: String) -> Entry? { entries[id] }

    /// A batch by id, or else by name.
    func find(_ reference: String) -> Entry? {
        entries[reference] ?? idsByName[reference].flatMap { entries[$0] }
    }

    var all: [Entry] { entries.values.sorted { $0.record.seq < $1.record.seq } }

    mutating func insert(_ entry: Entry) {
        entries[entry.record.id] = entry
        idsByName[entry.record.name] = entry.record.id
    }

    /// Changes the entry where it is: taking it out and putting it back would copy its
    /// counters on every job queued or finished.
    mutating func update(_ id: String, _ change: (inout Entry) -> Void) {
        guard entries[id] != nil else { return }
        change(&entries[id]!)
    }

    /// A new job of the batch is in the journal (submitted, follow-up or dead letter retried).
    mutating func queued(_ id: String, count: Int = 1, counters: [(String, Int64)] = []) {
        update(id) { entry in
            entry.jobs[.queued, default: 0] += count
            for (name, value) in counters { BatchCounterBounds.add(value, to: &entry.counters[name, default: 0]) }
        }
    }

    mutating func finished(_ id: String, as state: JobState, counters: [(String, Int64)] = [], worker: String? = nil) {
        update(id) { entry in
            entry.jobs[.queued, default: 0] -= 1
            entry.jobs[state, default: 0] += 1
            for (name, value) in counters { BatchCounterBounds.add(value, to: &entry.counters[name, default: 0]) }
            if let worker { entry.workers.insert(worker) }
        }
    }
}
