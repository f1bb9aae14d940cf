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

    let texts: [NotificationType: Texts]
    /// Keyed by list or current status spelling (`poor`, …, `above`, `none`).
    let statusLabels: [String: Label]

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
    }
}
