/// An error flag as notifications need it: its code and the field it is about, so that
/// a data correction can say in words which field to fix. The code stays machine data
/// (the `corrections` member of a data-correction notification), never message text.
public struct FlagReference: Sendable, Equatable {
    public let code: String
    /// Nil when the flag is about the record as a whole, or when it was read from a
    /// payload written before flags carried their field.
    public let field: String?

    public init(code: String, field: String?) {
        self.code = code
        self.field = field?.isEmpty == true ? nil : field
    }

    init(_ flag: RecordFlag) {
        self.init(code: flag.code.rawValue, field: flag.field)
    }
}

extension [RecordFlag] {
    /// The error flags (warnings and information do not ask for a correction).
    var errorReferences: [FlagReference] {
        compactMap { $0.severity == .error ? FlagReference($0) : nil }
    }
}
