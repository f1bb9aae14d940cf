public import ChungTayWire

/// Puts followed records from several machines in time order as far as their clocks allow.
///
/// A record is held for `window` after it arrived; then it goes out together with every
/// held record whose time is not later than the newest time among the records that waited
/// that long, all sorted by time. So a record that arrives late with an earlier time still
/// goes out before the later ones that arrived first, and nothing waits longer than the
/// window for records that never come.
public struct LogReorderBuffer<Instant: Comparable> {
    private var held: [(record: LogRecord, arrived: Instant, order: Int)] = []
    private var arrivals = 0

    public init() {}

    public var isEmpty: Bool { held.isEmpty }

    public mutating func add(_ records: [LogRecord], arrivedAt instant: Instant) {
        for record in records {
            held.append((record, instant, arrivals))
            arrivals &+= 1
        }
    }

    /// The records due when everything that arrived at or before `due` has waited long
    /// enough, in time order (arrival order among equal times).
    public mutating func takeDue(arrivedBy due: Instant) -> [LogRecord] {
        guard let cutoff = held.lazy.filter({ $0.arrived <= due }).map(\.record.time).max() else { return [] }
        let ready = held.filter { $0.record.time <= cutoff }
        held.removeAll { $0.record.time <= cutoff }
        return ready.sorted { ($0.record.time, $0.order) < ($1.record.time, $1.order) }.map(\.record)
    }
}
