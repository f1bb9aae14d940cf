/// The notifications of RULES.md section 3 for one household's review and loans, in
/// the table's order: due reminders, overdue notices, list change, supplement
/// candidate, data corrections (review first, then loans), loans in the given order.
///
/// - Parameter hasActiveLoan: nil derives it from `loans`: a loan of the reviewed
///   household whose status is not null, settled or written off.
public func notifications(
    review: HouseholdReview?, loans: [LoanStatusResult], hasActiveLoan: Bool? = nil, asOf: CivilDate, rules: RuleBook
) -> [NotificationMessage] {
    notifications(
        reviewNotice: review.map(ReviewNotice.init), loanNotices: loans.map(LoanNotice.init),
        hasActiveLoan: hasActiveLoan, asOf: asOf, rules: rules
    )
}

/// As `notifications(review:loans:hasActiveLoan:asOf:rules:)`, from stored documents.
public func notifications(
    reviewNotice review: ReviewNotice?, loanNotices loans: [LoanNotice], hasActiveLoan: Bool? = nil,
    asOf: CivilDate, rules: RuleBook
) -> [NotificationMessage] {
    let composer = NotificationComposer(rules: rules, asOf: asOf, review: review)
    var result: [NotificationMessage] = []
    for loan in loans where loan.status == LoanStatus.dueSoon.rawValue {
        result.append(
            composer.compose(
                .dueReminder, subject: loan.loanId, keyFields: [loan.loanId, loan.nextDueOn],
                roles: composer.recipients(.dueReminder), loan: loan
            )
        )
    }
    for loan in loans where loan.status == LoanStatus.overdue.rawValue {
        let days = loan.daysOverdue ?? 0
        let level = rules.notificationRules.escalationLevel(daysOverdue: days)
        var roles = composer.recipients(.overdueNotice)
        for step in rules.notificationRules.overdueEscalation where days > step.daysOverdueAbove {
            roles.append(contentsOf: step.addRecipients)
        }
        result.append(
            composer.compose(
                .overdueNotice, subject: loan.loanId, keyFields: [loan.loanId, asOf.monthKey, String(level)],
                roles: roles, loan: loan
            )
        )
    }
    if let review, let change = review.change, change != ListChange.none.rawValue {
        result.append(
            composer.compose(
                .listChange, subject: review.householdCode,
                keyFields: [review.householdCode, (review.previous ?? "") + ">" + (review.current ?? "")],
                roles: composer.recipients(.listChange), loan: nil
            )
        )
    }
    if let review, let current = review.current.flatMap(CurrentStatus.init(rawValue:)),
        rules.notificationRules.supplementForCurrent.contains(current)
    {
        let active = hasActiveLoan ?? loans.contains { $0.isActive && $0.householdCode == review.householdCode }
        if !active {
            result.append(
                composer.compose(
                    .supplementCandidate, subject: review.householdCode, keyFields: [review.householdCode, asOf.monthKey],
                    roles: composer.recipients(.supplementCandidate), loan: nil
                )
            )
        }
    }
    if let review, !review.errorCodes.isEmpty {
        result.append(
            composer.compose(
                .dataCorrection, subject: review.householdCode, keyFields: [review.householdCode, asOf.monthKey],
                roles: composer.recipients(.dataCorrection), loan: nil, errorCodes: review.errorCodes
            )
        )
    }
    for loan in loans where !loan.errorCodes.isEmpty {
        result.append(
            composer.compose(
                .dataCorrection, subject: loan.loanId, keyFields: [loan.loanId, asOf.monthKey],
                roles: composer.recipients(.dataCorrection), loan: loan, errorCodes: loan.errorCodes
            )
        )
    }
    return result
}

/// Fills in recipients, texts and dedup keys from the rule data.
private struct NotificationComposer {
    enum Language {
        case vi, en, sms
    }

    let rules: RuleBook
    let asOf: CivilDate
    let review: ReviewNotice?

    func recipients(_ type: NotificationType) -> [RecipientRole] {
        rules.notificationRules.recipients[type] ?? []
    }

    /// The review describing the loan's household, when the request carries it.
    private func household(of loan: LoanNotice?) -> ReviewNotice? {
        guard let loan else { return review }
        return review?.householdCode == loan.householdCode ? review : nil
    }

    func compose(
        _ type: NotificationType, subject: String?, keyFields: [String?], roles: [RecipientRole], loan: LoanNotice?,
        errorCodes: [String] = []
    ) -> NotificationMessage {
        let household = household(of: loan)
        let householdCode = loan?.householdCode ?? household?.householdCode
        let recipients = roles.map { role -> NotificationMessage.Recipient in
            let address = rules.notificationRules.addresses[role]!
            let id: String? =
                switch address.id {
                case .householdCode: householdCode
                case .savingsGroup: household?.savingsGroup
                case .association: household?.association
                case .commune: household?.commune
                case .fixed(let fixed): fixed
                }
            return NotificationMessage.Recipient(role: role, id: id, channel: address.channel)
        }
        let texts = rules.notificationTemplates.texts[type]!
        func render(_ template: MessageTemplate, _ language: Language) -> String {
            template.render { name in
                value(name, language, household: household, householdCode: householdCode, loan: loan, subject: subject, errorCodes: errorCodes)
            }
        }
        return NotificationMessage(
            asOf: asOf,
            type: type,
            dedupKey: ([type.rawValue] + keyFields.map { $0 ?? "" }).joined(separator: "|"),
            subject: subject,
            recipients: recipients,
            messageVi: render(texts.vi, .vi),
            messageEn: render(texts.en, .en),
            sms: SMSText(
                render(texts.sms, .sms),
                singleMessageLimit: rules.notificationRules.smsSingleMessageLimit,
                concatenatedPartLimit: rules.notificationRules.smsConcatenatedPartLimit
            )
        )
    }

    /// Placeholder values; missing ones read "-" so a message never shows "null".
    private func value(
        _ name: String, _ language: Language, household: ReviewNotice?, householdCode: String?, loan: LoanNotice?,
        subject: String?, errorCodes: [String]
    ) -> String {
        let missing = "-"
        switch name {
        case "householdCode": return householdCode ?? missing
        case "headName": return household?.headName ?? missing
        case "commune": return household?.commune ?? missing
        case "village": return household?.village ?? missing
        case "loanId": return loan?.loanId ?? missing
        case "subject": return subject ?? missing
        case "nextDueOn": return date(loan?.nextDueOn, language) ?? missing
        case "nextDueAmount": return money(loan?.nextDueAmount, language) ?? missing
        case "overduePrincipal": return money(loan?.overduePrincipal, language) ?? missing
        case "daysOverdue": return loan?.daysOverdue.map(String.init) ?? missing
        case "previous": return label(household?.previous, language) ?? missing
        case "current": return label(household?.current, language) ?? missing
        case "month": return language == .en ? asOf.monthKey : String(asOf.vietnameseDescription.dropFirst(3))
        case "errorCodes": return errorCodes.joined(separator: ", ")
        default: return missing
        }
    }

    private func date(_ text: String?, _ language: Language) -> String? {
        guard let text else { return nil }
        guard let date = CivilDate(iso: text) else { return text }
        return language == .en ? date.description : date.vietnameseDescription
    }

    /// Thousands grouped with "." in Vietnamese and "," in English.
    private func money(_ amount: Int?, _ language: Language) -> String? {
        guard let amount else { return nil }
        let digits = Array(String(amount.magnitude))
        var grouped = ""
        for (position, digit) in digits.enumerated() {
            if position > 0 && (digits.count - position) % 3 == 0 { grouped.append(language == .en ? "," : ".") }
            grouped.append(digit)
        }
        return (amount < 0 ? "-" : "") + grouped
    }

    private func label(_ status: String?, _ language: Language) -> String? {
        guard let status else { return nil }
        guard let label = rules.notificationTemplates.statusLabels[status] else { return status }
        return language == .en ? label.en : label.vi
    }
}
