import ChungTayCoding

/// What delivery reads of a stored notification document (SCHEMA.md, "Notification"):
/// its recipients with their channels, the borrower's phone, and the SMS text. The
/// document comes from the store the dispatcher wrote, but its fields come from a list, so
/// it is read tolerantly: a member of the wrong type reads as missing.
public struct NotificationDocument: Sendable, Equatable {
    public struct Recipient: Sendable, Equatable {
        /// Its place in the document's `recipients`, counting entries that could not be read.
        public var position: Int
        public var role: String
        public var id: String?
        public var channel: String
        /// The borrower's phone, on the `sms` recipient only.
        public var phone: String?
    }

    public var type: String?
    public var subject: String?
    public var recipients: [Recipient]
    /// The unaccented SMS text.
    public var sms: String?

    /// Nil when the bytes are not a JSON object.
    public init?(_ bytes: [UInt8]) {
        guard let object = (try? JSONValue(parsing: bytes))?.objectValue else { return nil }
        func text(_ value: JSONValue?) -> String? {
            if case .string(let text)? = value { return text }
            return nil
        }
        type = text(object["type"])
        subject = text(object["subject"])
        sms = text(object["sms"])
        recipients = []
        if case .array(let elements)? = object["recipients"] {
            for (position, element) in elements.enumerated() {
                guard let recipient = element.objectValue, let role = text(recipient["role"]), let channel = text(recipient["channel"])
                else { continue }
                recipients.append(Recipient(
                    position: position, role: role, id: text(recipient["id"]), channel: channel, phone: text(recipient["phone"])))
            }
        }
    }
}
