import Foundation
import Synchronization

/// Counts the household list's keys for pass 1, optionally on threads of their own.
///
/// Reading a record and counting its two keys in dictionaries cost about the same (the
/// dictionaries hash every key), so on one thread pass 1 of the 1,000,000-household demo
/// took twice as long as its reading. With `concurrently`, the reader hands batches of
/// keys over short queues to two counting threads, one per dictionary: a single thread
/// counting both was pass 1's bottleneck (busy throughout while the reader waited for it).
/// Each thread takes the batches in file order, so the counts are the same either way.
final class HouseholdKeyCounter: @unchecked Sendable {
    /// Consecutive households' keys (trimmed, NFC), the first being household `firstNumber`.
    struct Batch: Sendable {
        var firstNumber: Int
        var keys: [(citizenId: String?, householdCode: String?)] = []
    }

    static let batchSize = 4096

    /// Read only after `finish()`.
    private(set) var citizenIds: [String: UInt32] = [:]
    private(set) var householdCodes: [String: ListIndex.CodeEntry] = [:]

    /// The counting threads, citizen IDs' and household codes'; none unless `concurrently`.
    private var lanes: [Lane] = []

    init(concurrently: Bool) {
        guard concurrently else { return }
        // Each lane writes only its own dictionary. Its thread holds the counter until
        // `finish()` ends it, so there is no lasting cycle.
        lanes = [
            Lane(name: "chungtay-pass1-ids") { [self] batch in countCitizenIds(batch) },
            Lane(name: "chungtay-pass1-codes") { [self] batch in countHouseholdCodes(batch) },
        ]
    }

    func add(_ batch: Batch) {
        guard !lanes.isEmpty else {
            countCitizenIds(batch)
            countHouseholdCodes(batch)
            return
        }
        for lane in lanes { lane.add(batch) }
    }

    /// Waits until every batch added is counted; call exactly once, also when reading failed.
    func finish() {
        for lane in lanes { lane.finish() }
    }

    private func countCitizenIds(_ batch: Batch) {
        for keys in batch.keys {
            if let key = keys.citizenId { citizenIds[key, default: 0] &+= 1 }
        }
    }

    private func countHouseholdCodes(_ batch: Batch) {
        for (offset, keys) in batch.keys.enumerated() {
            if let key = keys.householdCode {
                householdCodes[key, default: ListIndex.CodeEntry(first: UInt32(batch.firstNumber + offset), count: 0)].count &+= 1
            }
        }
    }

    /// A thread that counts the batches added, in order, at most a few batches behind, so
    /// memory stays a few batches whatever the list.
    private final class Lane: @unchecked Sendable {
        /// Batches the reader may be ahead of a lane. The lanes share each batch's storage,
        /// so pass 1 holds about this many batches in all (and the one being built), not
        /// this many per lane.
        static let maximumBacklog = 8

        private let queue = Mutex<[Batch?]>([])
        private let room = DispatchSemaphore(value: maximumBacklog)
        private let ready = DispatchSemaphore(value: 0)
        private let done = DispatchSemaphore(value: 0)

        init(name: String, count: @escaping @Sendable (Batch) -> Void) {
            let thread = Thread { [self] in
                while true {
                    ready.wait()
                    guard let batch = queue.withLock({ $0.removeFirst() }) else { break }
                    room.signal()
                    count(batch)
                }
                done.signal()
            }
            thread.name = name
            thread.start()
        }

        func add(_ batch: Batch) {
            room.wait()
            queue.withLock { $0.append(batch) }
            ready.signal()
        }

        func finish() {
            queue.withLock { $0.append(nil) }
            ready.signal()
            done.wait()
        }
    }
}
