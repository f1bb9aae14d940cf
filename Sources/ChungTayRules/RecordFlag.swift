import ChungTayCoding

/// One failed check (or applied adjustment) on one field of a record, with the
/// message shown to commune officers in Vietnamese and English.
public struct RecordFlag: Sendable, Equatable {
    public let code: FlagCode
    public let severity: Severity
    public let field: String
    public let messageVi: String
    public let messageEn: String
    /// The commune's name since 1 July 2025; only on `commune_renamed`.
    public let newCommune: String?

    public init(code: FlagCode, severity: Severity, field: String, messageVi: String, messageEn: String, newCommune: String? = nil) {
        self.code = code
        self.severity = severity
        self.field = field
        self.messageVi = messageVi
        self.messageEn = messageEn
        self.newCommune = newCommune
    }

    func write(to writer: inout JSONWriter) {
        writer.openObject()
        writer.key("code")
        writer.string(code.rawValue)
        writer.key("severity")
        writer.string(severity.rawValue)
        writer.key("field")
        writer.string(field)
        writer.key("message_vi")
        writer.string(messageVi)
        writer.key("message_en")
        writer.string(messageEn)
        if let newCommune {
            writer.key("newCommune")
            writer.string(newCommune)
        }
        writer.closeObject()
    }
}

extension [RecordFlag] {
    var containsError: Bool { contains { $0.severity == .error } }
}
