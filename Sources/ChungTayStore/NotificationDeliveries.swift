/// The delivery state of every notification of a batch (or of all), by where its document
/// lies, for readers that go through the store's documents (exports, `results show`) and
/// show each one's state beside it.
public struct NotificationDeliveries: Sendable {
    public struct Delivery: Sendable, Equatable {
        public var entry: OutboxEntry
        public var state: NotificationState
        public var recipients: [RecipientDelivery]
    }

    /// By document file, then offset of its line.
    private var byLocation: [String: [Int64: Delivery]] = [:]

    /// Reads the outbox entries of `batchId` (nil: every batch) and their recipients' rows.
    /// Only states are kept (not the SMS texts and phones the rows also hold): a
    /// 1,000,000-household batch has some 600,000 notifications.
    public init(dataDirectory: DataDirectory, batchId: String?) throws(StoreError) {
        var byLocation: [String: [Int64: Delivery]] = [:]
        try Self.forEach(dataDirectory: dataDirectory, batchId: batchId) { delivery in
            var kept = delivery
            kept.recipients = delivery.recipients.map { row in
                var row = row
                row.text = nil
                row.address = nil
                return row
            }
            byLocation[delivery.entry.location.file, default: [:]][delivery.entry.location.offset] = kept
        }
        self.byLocation = byLocation
    }

    /// Calls `body` with every notification of `batchId` (nil: every batch) in outbox order,
    /// with its state and its recipients' rows, reading a page at a time.
    public static func forEach(
        dataDirectory: DataDirectory, batchId: String?, _ body: (Delivery) throws(StoreError) -> Void
    ) throws(StoreError) {
        let outbox = try NotificationOutbox(dataDirectory: dataDirectory)
        let ledger = try DeliveryLedger(readingOnly: dataDirectory.deliveryLedgerPath)
        var after: Int64 = 0
        while true {
            let entries = try outbox.entries(batchId: batchId, after: after, limit: 5000)
            guard let last = entries.last else { break }
            after = last.id
            let rows = try ledger?.deliveries(outboxIds: entries.map(\.id)) ?? [:]
            for entry in entries {
                let recipients = rows[entry.id] ?? []
                try body(Delivery(entry: entry, state: NotificationState(entry: entry, deliveries: recipients), recipients: recipients))
            }
        }
    }

    /// The delivery of the document whose line starts at `offset` of `file`; nil for a
    /// document the outbox does not hold (stored before the outbox existed).
    public func delivery(file: String, offset: Int64) -> Delivery? {
        byLocation[file]?[offset]
    }

    /// `role/channel:state` per recipient, `;`-separated, as exports and text listings show them.
    public static func recipientStates(_ recipients: [RecipientDelivery]) -> String {
        recipients.map { "\($0.role)/\($0.channel):\($0.state.rawValue)" }.joined(separator: ";")
    }
}
