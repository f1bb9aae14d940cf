import ChungTayStore
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

        var state: String {
            if isComplete { return "complete" }
            return isSealed ? "running" : "accepting"
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

    mutating func update(_ id: String, _ change: (inout Entry) -> Void) {
        guard var entry = entries[id] else { return }
        change(&entry)
        entries[id] = entry
    }

    /// A new job of the batch is in the journal (submitted, follow-up or dead letter retried).
    mutating func queued(_ id: String, count: Int = 1, counters: [(String, Int64)] = []) {
        update(id) { entry in
            entry.jobs[.queued, default: 0] += count
            for (name, value) in counters { entry.counters[name, default: 0] += value }
        }
    }

    mutating func finished(_ id: String, as state: JobState, counters: [(String, Int64)] = [], worker: String? = nil) {
        update(id) { entry in
            entry.jobs[.queued, default: 0] -= 1
            entry.jobs[state, default: 0] += 1
            for (name, value) in counters { entry.counters[name, default: 0] += value }
            if let worker { entry.workers.insert(worker) }
        }
    }
}
