/// Message templates per notification type in Vietnamese, English and SMS, and the
/// names of list statuses used inside them (`notification-templates.json`).
final class NotificationTemplates: Sendable {
    static let fileName = "notification-templates.json"
    static let placeholders: Set<String> = [
        "householdCode", "headName", "loanId", "nextDueOn", "nextDueAmount", "daysOverdue",
        "overduePrincipal", "previous", "current", "commune", "village", "month", "errorCodes", "subject",
    ]

    struct Texts: Sendable {
        let vi: MessageTemplate
        let en: MessageTemplate
        let sms: MessageTemplate
    }

    struct Label: Sendable {
        let vi: String
        let en: String
    }

    /// A template resolved for the composer: literal text as UTF-8 and placeholders as
    /// fields, so that rendering neither compares names nor concatenates strings.
    struct CompiledTemplate: Sendable {
        enum Part: Sendable {
            case literal([UInt8])
            case field(Field)
        }

        enum Field: Sendable {
            case householdCode, headName, commune, village, loanId, subject, nextDueOn, nextDueAmount
            case overduePrincipal, daysOverdue, previous, current, month, errorCodes
            /// A name the composer does not know, which reads "-" like a missing value.
            case unknown
        }

        let parts: [Part]

        init(_ template: MessageTemplate) {
            parts = template.parts.map { part in
                switch part {
                case .literal(let text): return .literal(Array(text.utf8))
                case .placeholder(let name): return .field(Self.field(named: name))
                }
            }
        }

        private static func field(named name: String) -> Field {
            switch name {
            case "householdCode": return .householdCode
            case "headName": return .headName
            case "commune": return .commune
            case "village": return .village
            case "loanId": return .loanId
            case "subject": return .subject
            case "nextDueOn": return .nextDueOn
            case "nextDueAmount": return .nextDueAmount
            case "overduePrincipal": return .overduePrincipal
            case "daysOverdue": return .daysOverdue
            case "previous": return .previous
            case "current": return .current
            case "month": return .month
            case "errorCodes": return .errorCodes
            default: return .unknown
            }
        }
    }

    struct CompiledTexts: Sendable {
        let vi: CompiledTemplate
        let en: CompiledTemplate
        let sms: CompiledTemplate
    }

    let texts: [NotificationType: Texts]
    /// `texts` compiled, by `NotificationType.allCases` position.
    let compiled: [CompiledTexts]
    /// Keyed by list or current status spelling (`poor`, …, `above`, `none`).
    let statusLabels: [String: Label]
    /// The same, for a lookup by comparison: six short keys, compared faster than hashed.
    private let labelList: [(status: String, label: Label)]

    /// `statusLabels[status]`.
    func label(of status: String) -> Label? {
        for entry in labelList where entry.status == status { return entry.label }
        return nil
    }

    init(_ root: RuleFileNode) throws(RuleDataError) {
        let types = try root.member("types")
        var texts: [NotificationType: Texts] = [:]
        for type in NotificationType.allCases {
            let node = try types.member(type.rawValue)
            texts[type] = Texts(
                vi: try node.member("vi").template(allowing: Self.placeholders),
                en: try node.member("en").template(allowing: Self.placeholders),
                sms: try node.member("sms").template(allowing: Self.placeholders)
            )
        }
        self.texts = texts
        compiled = NotificationType.allCases.map { type in
            let texts = texts[type]!
            return CompiledTexts(vi: CompiledTemplate(texts.vi), en: CompiledTemplate(texts.en), sms: CompiledTemplate(texts.sms))
        }
        let labels = try root.member("statusLabels")
        var statusLabels: [String: Label] = [:]
        let spellings = Set(CurrentStatus.allCases.map(\.rawValue)).union(ListStatus.allCases.map(\.rawValue))
        for spelling in spellings.sorted() {
            let node = try labels.member(spelling)
            statusLabels[spelling] = Label(
                vi: try node.member("vi").string(), en: try node.member("en").string()
            )
        }
        self.statusLabels = statusLabels
        labelList = statusLabels.map { (status: $0.key, label: $0.value) }
    }
}
