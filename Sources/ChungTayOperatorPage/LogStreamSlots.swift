import Synchronization

/// The open `/logs/stream` responses, at most `limit`. A slot is returned when its
/// ``Slot`` is released, not when the response body ends: a response whose body never
/// runs (the connection went away first) gives its slot back too, so the route cannot be
/// left answering 503 for good.
final class LogStreamSlots: Sendable {
    /// One open stream's place; kept alive by the response body that uses it.
    final class Slot: Sendable {
        private let slots: LogStreamSlots

        fileprivate init(_ slots: LogStreamSlots) {
            self.slots = slots
        }

        deinit {
            slots.open.subtract(1, ordering: .relaxed)
        }
    }

    let limit: Int
    private let open = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    var count: Int { open.load(ordering: .relaxed) }

    /// A slot, or nil when `limit` streams are open.
    func reserve() -> Slot? {
        guard open.add(1, ordering: .relaxed).newValue <= limit else {
            open.subtract(1, ordering: .relaxed)
            return nil
        }
        return Slot(self)
    }
}
