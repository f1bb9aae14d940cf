/// Message templates per notification type in Vietnamese, English and SMS, the names of
/// list statuses, places and fields used inside them, and the data-correction sentences
/// (`notification-templates.json`).
final class NotificationTemplates: Sendable {
    static let fileName = "notification-templates.json"

    struct Label: Sendable {
        let vi: String
        let en: String

        init(_ node: RuleFileNode) throws(RuleDataError) {
            vi = try node.member("vi").string()
            en = try node.member("en").string()
        }
    }

    /// A template resolved for the composer: literal text as UTF-8 and placeholders as
    /// fields, so that rendering neither compares names nor concatenates strings.
    struct CompiledTemplate: Sendable {
        enum Part: Sendable {
            case literal([UInt8])
            case field(Field)
            /// Left out whole when one of its fields has no value.
            case optional([Part])
        }

        /// The placeholders, spelled as in the templates.
        enum Field: String, Sendable, CaseIterable {
            case householdCode, headName, commune, village, loanId, subject, nextDueOn, nextDueAmount
            case overduePrincipal, daysOverdue, previous, current, month, corrections, fields
        }

        let parts: [Part]

        init(_ template: MessageTemplate) {
            parts = Self.compile(template.parts)
        }

        private static func compile(_ parts: [MessageTemplate.Part]) -> [Part] {
            parts.map { part in
                switch part {
                case .literal(let text): .literal(Array(text.utf8))
                // Loading refused every other name.
                case .placeholder(let name): .field(Field(rawValue: name)!)
                case .optional(let inner): .optional(compile(inner))
                }
            }
        }
    }

    struct CompiledTexts: Sendable {
        let vi: CompiledTemplate
        let en: CompiledTemplate
        let sms: CompiledTemplate
    }

    /// The sentences asking to fix one error flag code's field: `{field}` is the field's
    /// name in words.
    struct Correction: Sendable {
        let vi: MessageTemplate
        let en: MessageTemplate
        /// Sentences for particular fields, by field name.
        let byField: [String: Label]
        /// The field a code is always about, for a flag read without its field (a payload
        /// written before flags carried it).
        let usualField: String?
    }

    static let placeholders = Set(CompiledTemplate.Field.allCases.map(\.rawValue))
    /// The placeholders that always have a value and so may stand outside optional segments.
    static let alwaysPresent: Set<String> = [CompiledTemplate.Field.month.rawValue]

    /// By `NotificationType.allCases` position.
    let compiled: [CompiledTexts]
    /// Keyed by list or current status spelling (`poor`, …, `above`, `none`).
    let statusLabels: [String: Label]
    /// The same, for a lookup by comparison: six short keys, compared faster than hashed.
    private let labelList: [(status: String, label: Label)]
    let village: PlaceName
    let correctionSeparator: String
    let fieldSeparator: String
    /// By SCHEMA.md field name.
    let fieldNames: [String: Label]
    /// The name of a field that has none in `fieldNames`.
    let otherField: Label
    /// By flag code.
    let corrections: [String: Correction]
    /// For a code without an entry in `corrections`.
    let otherCorrection: Correction

    /// `statusLabels[status]`.
    func label(of status: String) -> Label? {
        for entry in labelList where entry.status == status { return entry.label }
        return nil
    }

    /// The sentences for a flag and the field they are about.
    func correction(for flag: FlagReference) -> (correction: Correction, field: String?) {
        let correction = corrections[flag.code] ?? otherCorrection
        return (correction, flag.field ?? correction.usualField)
    }

    /// The words for a flag's field: its name without an element path
    /// (`termAdjustments[0].dueOn` is a term adjustment's), `otherField` when unknown.
    func fieldName(_ field: String?) -> Label {
        guard let field else { return otherField }
        let name = field.firstIndex(of: "[").map { String(field[..<$0]) } ?? field
        return fieldNames[name] ?? otherField
    }

    /// - Parameter flags: every error code must have a correction sentence.
    init(_ root: RuleFileNode, flags: FlagCatalog) throws(RuleDataError) {
        let types = try root.member("types")
        var compiled: [CompiledTexts] = []
        for type in NotificationType.allCases {
            let node = try types.member(type.rawValue)
            func template(_ language: String) throws(RuleDataError) -> CompiledTemplate {
                CompiledTemplate(
                    try node.member(language).template(allowing: Self.placeholders, alwaysPresent: Self.alwaysPresent)
                )
            }
            compiled.append(CompiledTexts(vi: try template("vi"), en: try template("en"), sms: try template("sms")))
        }
        self.compiled = compiled

        let labels = try root.member("statusLabels")
        var statusLabels: [String: Label] = [:]
        let spellings = Set(CurrentStatus.allCases.map(\.rawValue)).union(ListStatus.allCases.map(\.rawValue))
        for spelling in spellings.sorted() {
            statusLabels[spelling] = try Label(labels.member(spelling))
        }
        self.statusLabels = statusLabels
        labelList = statusLabels.map { (status: $0.key, label: $0.value) }

        village = try PlaceName(root.member("places").member("village"))
        let lists = try root.member("lists")
        correctionSeparator = try lists.member("corrections").string()
        fieldSeparator = try lists.member("fields").string()

        let namesNode = try root.member("fieldNames")
        var fieldNames: [String: Label] = [:]
        for field in HouseholdField.allCases.map(\.name) + LoanField.allCases.map(\.name) {
            fieldNames[field] = try Label(namesNode.member(field))
        }
        self.fieldNames = fieldNames
        otherField = try Label(root.member("otherField"))

        let correctionsNode = try root.member("corrections")
        var corrections: [String: Correction] = [:]
        for code in FlagCode.allCases where flags.severity(of: code) == .error {
            corrections[code.rawValue] = try Self.correction(correctionsNode.member(code.rawValue), fieldNames: fieldNames)
        }
        for (code, node) in try correctionsNode.members() where corrections[code] == nil {
            throw node.error("not the code of an error flag in \(FlagCatalog.fileName)")
        }
        self.corrections = corrections
        otherCorrection = try Self.correction(root.member("otherCorrection"), fieldNames: fieldNames)
    }

    private static func correction(_ node: RuleFileNode, fieldNames: [String: Label]) throws(RuleDataError) -> Correction {
        // `{field}` always has words (`otherField` at worst), so no optional segments.
        let allowed: Set<String> = ["field"]
        var byField: [String: Label] = [:]
        if let fields = try node.optionalMember("fields") {
            for (field, fieldNode) in try fields.members() {
                guard fieldNames[field] != nil else { throw fieldNode.error("not a field of SCHEMA.md") }
                byField[field] = try Label(fieldNode)
            }
        }
        var usualField: String?
        if let fieldNode = try node.optionalMember("field") {
            usualField = try fieldNode.string()
            guard fieldNames[usualField!] != nil else { throw fieldNode.error("not a field of SCHEMA.md") }
        }
        return Correction(
            vi: try node.member("vi").template(allowing: allowed),
            en: try node.member("en").template(allowing: allowed),
            byField: byField, usualField: usualField
        )
    }
}
