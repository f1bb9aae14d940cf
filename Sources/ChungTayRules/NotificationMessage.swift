public import ChungTayCoding

/// One notification (SCHEMA.md notification document, without the fields the worker
/// runtime adds).
public struct NotificationMessage: Sendable, Equatable {
    public struct Recipient: Sendable, Equatable {
        public let role: RecipientRole
        /// Nil when the review did not carry it; the recipient is still listed.
        public let id: String?
        public let channel: String
        /// The borrower's mobile number (`0XXXXXXXXX`), nil when the household record
        /// has no valid one; written only on the borrower, whose SMS it addresses.
        public let phone: String?
    }

    public let asOf: CivilDate
    public let type: NotificationType
    /// Same input, same key: the store uses it to emit nothing new on a re-run.
    public let dedupKey: String
    /// The household code or loan id.
    public let subject: String?
    public let recipients: [Recipient]
    public let messageVi: String
    public let messageEn: String
    public let sms: SMSText
    /// For a data correction, the error flags it asks to fix: the codes stay machine
    /// data here, the texts name the fields in words.
    public let corrections: [FlagReference]

    /// The notification as one line of JSON, fields in SCHEMA.md order, then the SMS split.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        writeMembers(to: &writer)
        writer.closeObject()
        return writer.finish()
    }

    /// `jsonBytes` with `"source"` as the last member, null when unknown: what
    /// `ItemSource.append(source, to: jsonBytes)` gives, without splicing.
    func jsonBytes(source: ItemSource?) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        writeMembers(to: &writer)
        writer.key("source")
        if let source { source.write(to: &writer) } else { writer.null() }
        writer.closeObject()
        return writer.finish()
    }

    /// The opening brace and the members, in SCHEMA.md order, then the SMS split, the
    /// borrower's `phone` and a data correction's `corrections` (docs/BATCH.md).
    private func writeMembers(to writer: inout JSONWriter) {
        writer.openObject()
        writer.key("asOf")
        writer.string(asOf.description)
        writer.key("type")
        writer.string(type.rawValue)
        writer.key("dedupKey")
        writer.string(dedupKey)
        writer.key("subject")
        writer.string(subject)
        writer.key("recipients")
        writer.openArray()
        for recipient in recipients {
            writer.openObject()
            writer.key("role")
            writer.string(recipient.role.rawValue)
            writer.key("id")
            writer.string(recipient.id)
            writer.key("channel")
            writer.string(recipient.channel)
            if recipient.role == .borrower {
                writer.key("phone")
                writer.string(recipient.phone)
            }
            writer.closeObject()
        }
        writer.closeArray()
        writer.key("message_vi")
        writer.string(messageVi)
        writer.key("message_en")
        writer.string(messageEn)
        writer.key("sms")
        writer.string(sms.text)
        writer.key("smsParts")
        writer.integer(sms.parts.count)
        writer.key("smsSegments")
        writer.strings(sms.parts)
        if type == .dataCorrection {
            writer.key("corrections")
            writer.openArray()
            for correction in corrections {
                writer.openObject()
                writer.key("code")
                writer.string(correction.code)
                writer.key("field")
                writer.string(correction.field)
                writer.closeObject()
            }
            writer.closeArray()
        }
    }
}
