import ChungTayCoding

/// Tolerant reading of stored documents, which may have been edited by hand, and the
/// matching writing of the notices batch stages hand on.
enum DocumentFields {
    static func errorCodes(_ flags: JSONValue?) -> [String] {
        guard case .array(let elements) = flags else { return [] }
        return elements.compactMap { element in
            guard case .object(let flag) = element, flag["severity"] == .string(Severity.error.rawValue) else { return nil }
            return FieldValue(flag["code"] ?? .null, as: .text).text
        }
    }

    /// Error flags as `errorCodes` reads them back: `[{"code", "severity": "error"}]`.
    static func writeErrorFlags(_ codes: [String], to writer: inout JSONWriter) {
        writer.openArray()
        for code in codes {
            writer.openObject()
            writer.key("code")
            writer.string(code)
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
