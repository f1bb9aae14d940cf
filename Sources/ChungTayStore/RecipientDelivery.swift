public import Foundation

/// Where a notification stands for one of its recipients.
public enum DeliveryState: String, Sendable, CaseIterable {
    /// Not yet delivered; a channel will try (again).
    case pending
    case delivered
    /// Given up: a permanent refusal, no address, or the attempts ran out.
    case failed
}

/// What one attempt came to.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    case retry(at: Date, error: String)
    case failed(error: String)
}

/// One recipient of one notification, on its channel: a row of the `DeliveryLedger`.
public struct RecipientDelivery: Sendable, Equatable {
    public struct Key: Hashable, Sendable {
        public var outboxId: Int64
        /// The recipient's position in the document's `recipients`.
        public var recipient: Int

        public init(outboxId: Int64, recipient: Int) {
            self.outboxId = outboxId
            self.recipient = recipient
        }
    }

    public var key: Key
    public var role: String
    public var recipientId: String?
    /// `sms`, `group_list` or `letter` (RULES.md section 3).
    public var channel: String
    /// For `sms`, the borrower's phone; nil when the household record has none.
    public var address: String?
    /// For `sms`, the unaccented text to send.
    public var text: String?
    public var state: DeliveryState
    public var attempts: Int
    /// When a pending delivery may be tried again; nil when at once.
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var updatedAt: Date

    public init(
        key: Key, role: String, recipientId: String?, channel: String, address: String? = nil, text: String? = nil,
        state: DeliveryState = .pending, attempts: Int = 0, nextAttemptAt: Date? = nil, lastError: String? = nil,
        updatedAt: Date
    ) {
        self.key = key
        self.role = role
        self.recipientId = recipientId
        self.channel = channel
        self.address = address
        self.text = text
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.updatedAt = updatedAt
    }
}
