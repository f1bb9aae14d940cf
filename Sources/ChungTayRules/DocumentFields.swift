/// Tolerant reading of stored documents, which may have been edited by hand.
enum DocumentFields {
    static func errorCodes(_ flags: JSONValue?) -> [String] {
        guard case .array(let elements) = flags else { return [] }
        return elements.compactMap { element in
            guard case .object(let flag) = element, flag["severity"] == .string(Severity.error.rawValue) else { return nil }
            return FieldValue(flag["code"] ?? .null, as: .text).text
        }
    }

    static func integer(_ value: JSONValue?) -> Int? {
        if case .number(let number) = FieldValue(value ?? .null, as: .number) { return number.integerValue }
        return nil
    }
}
