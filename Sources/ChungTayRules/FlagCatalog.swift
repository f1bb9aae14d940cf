/// Severity and message templates of every flag code (`record-flags.json`).
final class FlagCatalog: Sendable {
    struct Entry: Sendable {
        let severity: Severity
        let vi: MessageTemplate
        let en: MessageTemplate
        /// For a position in a workbook's sheet (`viCell`, `enCell`), naming the cell
        /// rather than line and column; nil when the code has none.
        let cell: (vi: MessageTemplate, en: MessageTemplate)?
    }

    static let fileName = "record-flags.json"
    static let placeholders: Set<String> = ["field", "detail", "newCommune", "file", "line", "column", "cell"]

    private let entries: [Entry]

    init(_ root: RuleFileNode) throws(RuleDataError) {
        let flags = try root.member("flags")
        var entries: [Entry] = []
        for code in FlagCode.allCases {
            let node = try flags.member(code.rawValue)
            var cell: (vi: MessageTemplate, en: MessageTemplate)?
            if let vi = try node.optionalMember("viCell") {
                cell = (try vi.template(allowing: Self.placeholders), try node.member("enCell").template(allowing: Self.placeholders))
            }
            entries.append(
                Entry(
                    severity: try node.member("severity").oneOf(Severity.self),
                    vi: try node.member("vi").template(allowing: Self.placeholders),
                    en: try node.member("en").template(allowing: Self.placeholders),
                    cell: cell
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
    ///   `{column}`, or in a sheet `{cell}` (then the code's `viCell`/`enCell` texts when it has them).
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
            case "cell": return position?.cell ?? ""
            default: return position.map { String($0.column) } ?? ""
            }
        }
        let templates: (vi: MessageTemplate, en: MessageTemplate) =
            position?.sheet != nil ? entry.cell ?? (entry.vi, entry.en) : (entry.vi, entry.en)
        return RecordFlag(
            code: code,
            severity: entry.severity,
            field: field,
            messageVi: templates.vi.render(value),
            messageEn: templates.en.render(value),
            newCommune: newCommune
        )
    }
}
