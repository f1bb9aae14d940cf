import ChungTayCoding

/// A value inside a rule file together with where it sits, so that every reading
/// failure names the file and the field path (`indicators[7].deprivedWhen.below`).
struct RuleFileNode {
    let file: String
    let path: String
    let value: JSONValue

    func error(_ message: String) -> RuleDataError {
        RuleDataError(file: file, field: path, message: message)
    }

    private func childPath(_ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    private func object() throws(RuleDataError) -> JSONObject {
        guard case .object(let object) = value else { throw error("expected an object") }
        return object
    }

    /// A member that must be present (it may be JSON null; `optional` reads that).
    func member(_ key: String) throws(RuleDataError) -> RuleFileNode {
        guard let child = try object()[key] else {
            throw RuleDataError(file: file, field: childPath(key), message: "missing")
        }
        return RuleFileNode(file: file, path: childPath(key), value: child)
    }

    /// A member that may be absent or null.
    func optionalMember(_ key: String) throws(RuleDataError) -> RuleFileNode? {
        guard let child = try object()[key], !child.isNull else { return nil }
        return RuleFileNode(file: file, path: childPath(key), value: child)
    }

    /// The members of an object, in file order.
    func members() throws(RuleDataError) -> [(key: String, node: RuleFileNode)] {
        try object().members.map { (key: $0.key, node: RuleFileNode(file: file, path: childPath($0.key), value: $0.value)) }
    }

    func elements() throws(RuleDataError) -> [RuleFileNode] {
        guard case .array(let elements) = value else { throw error("expected an array") }
        return elements.enumerated().map { RuleFileNode(file: file, path: "\(path)[\($0.offset)]", value: $0.element) }
    }

    func string() throws(RuleDataError) -> String {
        guard case .string(let text) = value, !UnicodeText.trimmed(text).isEmpty else {
            throw error("expected a non-empty string")
        }
        return text
    }

    func strings() throws(RuleDataError) -> [String] {
        var result: [String] = []
        for element in try elements() { result.append(try element.string()) }
        return result
    }

    func bool() throws(RuleDataError) -> Bool {
        guard case .bool(let flag) = value else { throw error("expected true or false") }
        return flag
    }

    func decimal() throws(RuleDataError) -> DecimalNumber {
        guard case .number(let number) = value else { throw error("expected a number") }
        return number
    }

    func nonNegativeDecimal() throws(RuleDataError) -> DecimalNumber {
        let number = try decimal()
        guard !number.isNegative else { throw error("must not be negative") }
        return number
    }

    func integer(in range: ClosedRange<Int> = 0...Int.max) throws(RuleDataError) -> Int {
        guard case .number(let number) = value, let integer = number.integerValue else {
            throw error("expected a whole number")
        }
        guard range.contains(integer) else {
            throw error("must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return integer
    }

    func date() throws(RuleDataError) -> CivilDate {
        guard case .string(let text) = value, let date = CivilDate(iso: text) else {
            throw error("expected a date YYYY-MM-DD")
        }
        return date
    }

    /// A string that must be one of a closed set of values.
    func oneOf<Value: RawRepresentable>(_: Value.Type) throws(RuleDataError) -> Value
    where Value.RawValue == String, Value: CaseIterable {
        let text = try string()
        guard let known = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw error("unknown value \"\(text)\" (expected one of: \(allowed))")
        }
        return known
    }

    /// A message template whose `{placeholders}` must all be known, so a typo in a
    /// template is caught at load time rather than sent to a borrower.
    ///
    /// - Parameter alwaysPresent: when given, `[optional segments]` are allowed and every
    ///   placeholder outside them must be one of these, so that no value can be missing
    ///   from a sentence (notification templates).
    func template(allowing placeholders: Set<String>, alwaysPresent: Set<String>? = nil) throws(RuleDataError) -> MessageTemplate {
        let text = try string()
        let template: MessageTemplate
        do {
            template = try MessageTemplate(text, optionalSegments: alwaysPresent != nil)
        } catch {
            throw self.error(error.message)
        }
        if let unknown = template.placeholders.first(where: { !placeholders.contains($0) }) {
            throw error("unknown placeholder {\(unknown)} (allowed: \(placeholders.sorted().joined(separator: ", ")))")
        }
        if let alwaysPresent, let nullable = template.requiredPlaceholders.first(where: { !alwaysPresent.contains($0) }) {
            throw error("{\(nullable)} may be missing: put it inside an optional segment [ … ]")
        }
        return template
    }
}
