/// What makes a stored document a notification to deliver (docs/PROTOCOL.md, "RESULT",
/// the outbox frame): its de-duplication key and the day the key stops counting.
///
/// The dispatcher records it in the journal's outbox in the transaction that stores the
/// document, and a document whose key is already live there is stored as suppressed and
/// never delivered. The dispatcher compares keys as bytes and days as numbers: it never
/// reads the document, so the meaning of a key stays with the rules that made it.
public struct OutboxKey: Equatable, Sendable {
    /// Longest key the wire carries. A notification key is a type, a loan or household id
    /// from a list and a date, so a longer one comes only from a pathological list; the
    /// rules send such a key hashed, and the worker runtime fails a task whose handler
    /// returns one rather than send a frame the dispatcher must refuse.
    public static let maximumBytes = 4096

    /// Empty: the document is not a notification.
    public var dedupKey: String
    /// Days since 1970-01-01 (`CivilDate.dayNumber`): after this day the key no longer
    /// suppresses a repeat.
    public var expiresOn: Int32

    public init(dedupKey: String, expiresOn: Int32) {
        self.dedupKey = dedupKey
        self.expiresOn = expiresOn
    }

    /// No outbox entry for this document.
    public static let none = OutboxKey(dedupKey: "", expiresOn: 0)
}
