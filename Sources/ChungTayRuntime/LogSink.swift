public import ChungTayWire
import Synchronization

/// A bounded in-memory queue of log records between the log handler (any thread) and the
/// loop that ships them (the worker's I/O thread, the dispatcher's turn).
///
/// When it is full a new record is dropped and counted, never waited for: a log consumer
/// that falls behind loses records, it does not slow the code that logs.
public final class LogSink: Sendable {
    public let capacity: Int
    private let queue: Mutex<[LogRecord]>
    private let dropped = Atomic<Int>(0)

    public init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
        queue = Mutex([])
    }

    /// Queues the record, or drops and counts it when the queue is full.
    public func offer(_ record: LogRecord) {
        let accepted = queue.withLock { records in
            guard records.count < capacity else { return false }
            records.append(record)
            return true
        }
        if !accepted { countDropped(1) }
    }

    /// Everything queued, oldest first; the queue is left empty.
    public func takeAll() -> [LogRecord] {
        queue.withLock { records in
            guard !records.isEmpty else { return [] }
            defer { records = [] }
            return records
        }
    }

    /// Records lost here and by the sink's consumer (a failed send), since the start.
    public var droppedCount: Int { dropped.load(ordering: .relaxed) }

    /// Counts records the consumer could not deliver.
    public func countDropped(_ count: Int) {
        dropped.wrappingAdd(count, ordering: .relaxed)
    }
}
