/// Severity and message templates of every flag code (`record-flags.json`).
final class FlagCatalog: Sendable {
    struct Entry: Sendable {
        let severity: Severity
        let vi: MessageTemplate
        let en: MessageTemplate
    }

    static let fileName = "record-flags.json"
    static let placeholders: Set<String> = ["field", "detail", "newCommune", "file", "line", "column"]

    private let entries: [Entry]

    init(_ root: RuleFileNode) throws(RuleDataError) {
        let flags = try root.member("flags")
        var entries: [Entry] = []
        for code in FlagCode.allCases {
            let node = try flags.member(code.rawValue)
            entries.append(
                Entry(
                    severity: try node.member("severity").oneOf(Severity.self),
                    vi: try node.member("vi").template(allowing: Self.placeholders),
                    en: try node.member("en").template(allowing: Self.placeholders)
                )
            )
        }
        self.entries = entries
    }

    private static let codeIndex: [FlagCode: Int] = Dictionary(
        uniqueKeysWithValues: FlagCode.allCases.enumerated().map { ($0.element, $0.offset) }
    )

    func severity(of code: FlagCode) -> Severity {
        entries[Self.codeIndex[code]!].severity
    }

    /// - Parameter position: where an unreadable batch line is, for `{file}`, `{line}` and
    ///   `{column}`.
    func flag(
        _ code: FlagCode, field: String, detail: String = "", newCommune: String? = nil, position: InputPosition? = nil
    ) -> RecordFlag {
        let entry = entries[Self.codeIndex[code]!]
        let value: (String) -> String = { name in
            switch name {
            case "field": return field
            case "detail": return detail
            case "newCommune": return newCommune ?? ""
            case "file": return position?.file ?? ""
            case "line": return position.map { String($0.line) } ?? ""
            default: return position.map { String($0.column) } ?? ""
            }
        }
        return RecordFlag(
            code: code,
            severity: entry.severity,
            field: field,
            messageVi: entry.vi.render(value),
            messageEn: entry.en.render(value),
            newCommune: newCommune
        )
    }
}
