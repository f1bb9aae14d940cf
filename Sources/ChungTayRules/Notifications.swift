public import ChungTayCoding

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
        reviewNotice: review.map { ReviewNotice($0) }, loanNotices: loans.map(LoanNotice.init),
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
    let monthKey = asOf.monthKey
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
                .overdueNotice, subject: loan.loanId, keyFields: [loan.loanId, monthKey, String(level)],
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
                    .supplementCandidate, subject: review.householdCode, keyFields: [review.householdCode, monthKey],
                    roles: composer.recipients(.supplementCandidate), loan: nil
                )
            )
        }
    }
    if let review, !review.errors.isEmpty {
        result.append(
            composer.compose(
                .dataCorrection, subject: review.householdCode, keyFields: [review.householdCode, monthKey],
                roles: composer.recipients(.dataCorrection), loan: nil, errors: review.errors
            )
        )
    }
    for loan in loans where !loan.errors.isEmpty {
        result.append(
            composer.compose(
                .dataCorrection, subject: loan.loanId, keyFields: [loan.loanId, monthKey],
                roles: composer.recipients(.dataCorrection), loan: loan, errors: loan.errors
            )
        )
    }
    return result
}

/// Fills in recipients, texts and dedup keys from the rule data.
///
/// Texts are rendered as UTF-8 bytes from the compiled templates (literal bytes and
/// field values appended in template order, which is what concatenating the strings
/// gives) and the SMS is unaccented from those bytes, so a message costs a few small
/// allocations rather than Foundation string work.
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

    func compose(
        _ type: NotificationType, subject: String?, keyFields: [String?], roles: [RecipientRole], loan: LoanNotice?,
        errors: [FlagReference] = []
    ) -> NotificationMessage {
        // The review describing the loan's household, when the request carries it.
        let household: ReviewNotice? =
            if let loan { review?.householdCode == loan.householdCode ? review : nil } else { review }
        let householdCode = loan?.householdCode ?? household?.householdCode
        let notificationRules = rules.notificationRules
        let recipients = roles.map { role -> NotificationMessage.Recipient in
            let address = notificationRules.address(of: role)
            let id: String? =
                switch address.id {
                case .householdCode: householdCode
                case .savingsGroup: household?.savingsGroup
                case .association: household?.association
                case .commune: household?.commune
                case .fixed(let fixed): fixed
                }
            let phone = role == .borrower ? notificationRules.mobileNumbers.firstNumber(in: household?.phone) : nil
            return NotificationMessage.Recipient(role: role, id: id, channel: address.channel, phone: phone)
        }
        let templates = rules.notificationTemplates
        let texts = templates.compiled[type.position]
        let values = Values(
            asOf: asOf, templates: templates, householdCode: householdCode, headName: household?.headName,
            commune: household?.commune, village: household?.village,
            villageHasOwnWord: household?.village.map(templates.village.hasOwnWord) ?? false, previous: household?.previous,
            current: household?.current, loanId: loan?.loanId, subject: subject, nextDueOn: loan?.nextDueOn,
            nextDueAmount: loan?.nextDueAmount, overduePrincipal: loan?.overduePrincipal, daysOverdue: loan?.daysOverdue,
            errors: errors
        )
        var buffer = ByteBuffer(capacity: 512)
        values.render(texts.vi, .vi, into: &buffer)
        let messageVi = buffer.string
        buffer.removeAll()
        values.render(texts.en, .en, into: &buffer)
        let messageEn = buffer.string
        buffer.removeAll()
        values.render(texts.sms, .sms, into: &buffer)
        let sms = buffer.withBytes { UnicodeText.unaccented(utf8: $0) }
        buffer.removeAll()
        buffer.append(type.rawValue)
        for field in keyFields {
            buffer.append(UInt8(ascii: "|"))
            if let field { buffer.append(field) }
        }
        return NotificationMessage(
            asOf: asOf,
            type: type,
            dedupKey: buffer.string,
            subject: subject,
            recipients: recipients,
            messageVi: messageVi,
            messageEn: messageEn,
            sms: SMSText(
                unaccented: sms,
                singleMessageLimit: notificationRules.smsSingleMessageLimit,
                concatenatedPartLimit: notificationRules.smsConcatenatedPartLimit
            ),
            corrections: errors
        )
    }

    /// The placeholder values of one notification. A missing value leaves out the
    /// optional segment around it (the rule data keeps every placeholder that can be
    /// missing inside one), so a message never shows a stand-in for it.
    private struct Values {
        let asOf: CivilDate
        let templates: NotificationTemplates
        // The values one by one rather than the notices: each is read twice per segment
        // (is it there, then its text), and reading through an optional notice copies it.
        let householdCode: String?
        let headName: String?
        let commune: String?
        let village: String?
        /// Whether `village` says "Thôn …" itself: found once for the three texts.
        let villageHasOwnWord: Bool
        let previous: String?
        let current: String?
        let loanId: String?
        let subject: String?
        let nextDueOn: String?
        let nextDueAmount: Int?
        let overduePrincipal: Int?
        let daysOverdue: Int?
        let errors: [FlagReference]

        typealias Field = NotificationTemplates.CompiledTemplate.Field

        func render(_ template: NotificationTemplates.CompiledTemplate, _ language: Language, into bytes: inout ByteBuffer) {
            render(template.parts, language, into: &bytes)
        }

        private func render(_ parts: [NotificationTemplates.CompiledTemplate.Part], _ language: Language, into bytes: inout ByteBuffer) {
            for part in parts {
                switch part {
                case .literal(let literal): bytes.append(literal)
                case .field(let field): append(field, language, to: &bytes)
                case .optional(let inner):
                    // A loop rather than `allSatisfy(hasValue)`, whose closure would box
                    // a copy of these values on every segment of every message.
                    var complete = true
                    for part in inner where !hasValue(part) {
                        complete = false
                        break
                    }
                    if complete { render(inner, language, into: &bytes) }
                }
            }
        }

        private func hasValue(_ part: NotificationTemplates.CompiledTemplate.Part) -> Bool {
            guard case .field(let field) = part else { return true }
            switch field {
            case .householdCode: return householdCode != nil
            case .headName: return headName != nil
            case .commune: return commune != nil
            case .village: return village != nil
            case .loanId: return loanId != nil
            case .subject: return subject != nil
            case .nextDueOn: return nextDueOn != nil
            case .nextDueAmount: return nextDueAmount != nil
            case .overduePrincipal: return overduePrincipal != nil
            case .daysOverdue: return daysOverdue != nil
            case .previous: return previous != nil
            case .current: return current != nil
            case .month: return true
            case .corrections, .fields: return !errors.isEmpty
            }
        }

        /// Appends a field's value; a missing one (only possible outside the composer's
        /// optional segments for `month`, which is never missing) appends nothing.
        private func append(_ field: Field, _ language: Language, to bytes: inout ByteBuffer) {
            switch field {
            case .householdCode: Self.append(householdCode, to: &bytes)
            case .headName: Self.append(headName, to: &bytes)
            case .commune: Self.append(commune, to: &bytes)
            case .village: appendVillage(language, to: &bytes)
            case .loanId: Self.append(loanId, to: &bytes)
            case .subject: Self.append(subject, to: &bytes)
            case .nextDueOn: Self.appendDate(nextDueOn, language, to: &bytes)
            case .nextDueAmount: Self.appendMoney(nextDueAmount, language, to: &bytes)
            case .overduePrincipal: Self.appendMoney(overduePrincipal, language, to: &bytes)
            case .daysOverdue: if let days = daysOverdue { Self.appendInteger(days, to: &bytes) }
            case .previous: appendLabel(previous, language, to: &bytes)
            case .current: appendLabel(current, language, to: &bytes)
            case .month:
                if language == .en {
                    // `YYYY-MM`, the month key.
                    Self.appendDigits(asOf.year, width: 4, to: &bytes)
                    bytes.append(UInt8(ascii: "-"))
                    Self.appendDigits(asOf.month, width: 2, to: &bytes)
                } else {
                    // `MM/YYYY`, the Vietnamese date without its day.
                    Self.appendDigits(asOf.month, width: 2, to: &bytes)
                    bytes.append(UInt8(ascii: "/"))
                    Self.appendDigits(asOf.year, width: 4, to: &bytes)
                }
            case .corrections: appendCorrections(language, to: &bytes)
            case .fields: appendFieldNames(language, to: &bytes)
            }
        }

        /// The village as it is when it names its own kind of place, after the language's
        /// word otherwise (the SMS takes the Vietnamese word, unaccented later).
        private func appendVillage(_ language: Language, to bytes: inout ByteBuffer) {
            guard let village else { return }
            if !villageHasOwnWord {
                bytes.append(language == .en ? templates.village.word.en : templates.village.word.vi)
                bytes.append(UInt8(ascii: " "))
            }
            bytes.append(village)
        }

        /// One sentence per error flag: the field's own sentence for the code when the
        /// rule data has one, the code's sentence with the field named otherwise.
        private func appendCorrections(_ language: Language, to bytes: inout ByteBuffer) {
            for (index, error) in errors.enumerated() {
                if index > 0 { bytes.append(templates.correctionSeparator) }
                let (correction, field) = templates.correction(for: error)
                if let field, let sentence = correction.byField[field] {
                    bytes.append(language == .en ? sentence.en : sentence.vi)
                    continue
                }
                // Data corrections are rare enough for a rendered string.
                let name = templates.fieldName(field)
                bytes.append(language == .en ? correction.en.render { _ in name.en } : correction.vi.render { _ in name.vi })
            }
        }

        /// The distinct names of the fields to fix, in flag order (the SMS's short form).
        private func appendFieldNames(_ language: Language, to bytes: inout ByteBuffer) {
            var written: [String] = []
            for error in errors {
                let label = templates.fieldName(templates.correction(for: error).field)
                let name = language == .en ? label.en : label.vi
                if written.contains(name) { continue }
                if !written.isEmpty { bytes.append(templates.fieldSeparator) }
                bytes.append(name)
                written.append(name)
            }
        }

        private static func append(_ text: String?, to bytes: inout ByteBuffer) {
            if let text { bytes.append(text) }
        }

        /// `YYYY-MM-DD` in English, `DD/MM/YYYY` otherwise; text that is not such a date
        /// as it is.
        private static func appendDate(_ text: String?, _ language: Language, to bytes: inout ByteBuffer) {
            guard let text else { return }
            guard let date = CivilDate(iso: text) else { return bytes.append(text) }
            if language == .en {
                appendDigits(date.year, width: 4, to: &bytes)
                bytes.append(UInt8(ascii: "-"))
                appendDigits(date.month, width: 2, to: &bytes)
                bytes.append(UInt8(ascii: "-"))
                appendDigits(date.day, width: 2, to: &bytes)
            } else {
                appendDigits(date.day, width: 2, to: &bytes)
                bytes.append(UInt8(ascii: "/"))
                appendDigits(date.month, width: 2, to: &bytes)
                bytes.append(UInt8(ascii: "/"))
                appendDigits(date.year, width: 4, to: &bytes)
            }
        }

        /// Exactly `width` digits of a non-negative value below 10^width, zero-padded.
        private static func appendDigits(_ value: Int, width: Int, to bytes: inout ByteBuffer) {
            var divisor = width == 4 ? 1000 : 10
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }

        /// As `String(value)`.
        private static func appendInteger(_ value: Int, to bytes: inout ByteBuffer) {
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            appendGrouped(value.magnitude, separator: nil, to: &bytes)
        }

        /// Thousands grouped with "." in Vietnamese and "," in English.
        private static func appendMoney(_ amount: Int?, _ language: Language, to bytes: inout ByteBuffer) {
            guard let amount else { return }
            if amount < 0 { bytes.append(UInt8(ascii: "-")) }
            appendGrouped(amount.magnitude, separator: language == .en ? UInt8(ascii: ",") : UInt8(ascii: "."), to: &bytes)
        }

        /// The decimal digits of `magnitude`, with `separator` between groups of three.
        private static func appendGrouped(_ magnitude: UInt, separator: UInt8?, to bytes: inout ByteBuffer) {
            var divisor: UInt = 1
            var digits = 1
            while magnitude / divisor >= 10 {
                divisor *= 10
                digits += 1
            }
            // `digits - 1` is the position of the most significant digit, counted from the right.
            var position = digits - 1
            while true {
                bytes.append(UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
                if position == 0 { break }
                if let separator, position % 3 == 0 { bytes.append(separator) }
                divisor /= 10
                position -= 1
            }
        }

        /// The status's name in the message's language (Vietnamese for the SMS too, before
        /// it is unaccented); an unknown status as it is.
        private func appendLabel(_ status: String?, _ language: Language, to bytes: inout ByteBuffer) {
            guard let status else { return }
            guard let label = templates.label(of: status) else { return bytes.append(status) }
            bytes.append(language == .en ? label.en : label.vi)
        }
    }
}

extension NotificationType {
    /// The position in `allCases`.
    var position: Int {
        switch self {
        case .dueReminder: 0
        case .overdueNotice: 1
        case .listChange: 2
        case .supplementCandidate: 3
        case .dataCorrection: 4
        }
    }
}
