import Foundation
import Synchronization

/// Counts the household list's keys for pass 1, optionally on a thread of its own.
///
/// Reading a record and counting its two keys in dictionaries cost about the same (the
/// dictionaries hash every key), so on one thread pass 1 of the 1,000,000-household demo
/// took twice as long as its reading. With `concurrently`, the reader hands batches of
/// keys over a short queue and the counting thread keeps them in file order; the counts
/// are the same either way.
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

    private let queue = Mutex<[Batch?]>([])
    /// Batches the reader may get ahead by, so memory stays a few batches whatever the list.
    private let room = DispatchSemaphore(value: 8)
    private let ready = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let concurrently: Bool

    init(concurrently: Bool) {
        self.concurrently = concurrently
        guard concurrently else { return }
        let thread = Thread { [self] in
            while true {
                ready.wait()
                guard let batch = queue.withLock({ $0.removeFirst() }) else { break }
                room.signal()
                count(batch)
            }
            done.signal()
        }
        thread.name = "chungtay-pass1-keys"
        thread.start()
    }

    func add(_ batch: Batch) {
        guard concurrently else { return count(batch) }
        room.wait()
        queue.withLock { $0.append(batch) }
        ready.signal()
    }

    /// Waits until every batch added is counted; call exactly once, also when reading failed.
    func finish() {
        guard concurrently else { return }
        queue.withLock { $0.append(nil) }
        ready.signal()
        done.wait()
    }

    private func count(_ batch: Batch) {
        for (offset, keys) in batch.keys.enumerated() {
            if let key = keys.citizenId {
                citizenIds[key, default: 0] &+= 1
            }
            if let key = keys.householdCode {
                householdCodes[key, default: ListIndex.CodeEntry(first: UInt32(batch.firstNumber + offset), count: 0)].count &+= 1
            }
        }
    }
}
