/// Where a notification stands as a whole, from the outbox and its recipients' deliveries:
/// what `notifications list`, exports and `results show` report.
public enum NotificationState: String, Sendable, CaseIterable {
    /// Some recipient still waits for a delivery (or none was attempted yet).
    case pending
    /// Every recipient got it.
    case delivered
    /// Nothing is left to try and at least one recipient did not get it.
    case failed
    /// A repeat of a notification already emitted: never delivered.
    case suppressed

    public init(entry: OutboxEntry, deliveries: [RecipientDelivery]) {
        if entry.suppressedBy != nil {
            self = .suppressed
        } else if deliveries.isEmpty || deliveries.contains(where: { $0.state == .pending }) {
            self = .pending
        } else if deliveries.contains(where: { $0.state == .failed }) {
            self = .failed
        } else {
            self = .delivered
        }
    }
}
