import ChungTayCoding

/// Tolerant reading of stored documents, which may have been edited by hand, and the
/// matching writing of the notices batch stages hand on.
enum DocumentFields {
    /// The error flags of a `flags` array; a flag without `field` (payloads written
    /// before notices carried it) reads with a nil field.
    static func errorFlags(_ flags: JSONValue?) -> [FlagReference] {
        guard case .array(let elements) = flags else { return [] }
        return elements.compactMap { element in
            guard case .object(let flag) = element, flag["severity"] == .string(Severity.error.rawValue),
                let code = FieldValue(flag["code"] ?? .null, as: .text).text
            else { return nil }
            return FlagReference(code: code, field: FieldValue(flag["field"] ?? .null, as: .text).text)
        }
    }

    /// Error flags as `errorFlags` reads them back: `[{"code", "field", "severity": "error"}]`.
    static func writeErrorFlags(_ flags: [FlagReference], to writer: inout JSONWriter) {
        writer.openArray()
        for flag in flags {
            writer.openObject()
            writer.key("code")
            writer.string(flag.code)
            writer.key("field")
            writer.string(flag.field)
            writer.key("severity")
            writer.string(Severity.error.rawValue)
            writer.closeObject()
        }
        writer.closeArray()
    }

    static func integer(_ value: JSONValue?) -> Int? {
        if case .number(let number) = FieldValue(value ?? .null, as: .number) { return number.integerValue }
        return nil
    }
}
