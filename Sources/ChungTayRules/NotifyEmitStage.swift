import ChungTayCoding

/// Stage C of a batch (docs/BATCH.md): `{"batch", "reviews": [review notice…], "loans":
/// [loan notice…]}` in, either list possibly a table; the notifications of RULES.md
/// section 3 per household of the chunk (its review and its loans), then for the loans
/// whose household is not among the reviews, each with its outbox key
/// (`NotificationMessage.outboxKey`). No follow-up.
enum NotifyEmitStage {
    /// A notice with the input line it was made from.
    private struct Sourced<Notice> {
        let notice: Notice
        let source: ItemSource?

        init(_ document: JSONObject, _ read: (JSONObject) -> Notice) {
            notice = read(document)
            source = ItemSource(document["source"])
        }
    }

    static func run(_ payload: BatchStagePayload, rules: RuleBook) throws(TaskRejection) -> BatchStageOutput {
        let reviews = try payload.notices("reviews").map { Sourced($0, ReviewNotice.init(document:)) }
        let loans = try payload.notices("loans").map { Sourced($0, LoanNotice.init(document:)) }
        var loansByHousehold: [String: [Int]] = [:]
        for index in loans.indices {
            if let code = loans[index].notice.householdCode { loansByHousehold[code, default: []].append(index) }
        }

        var output = BatchStageOutput(documents: [], keys: [], followUp: nil, counters: [:])
        // Counted by type and named once at the end, not per notification.
        var countsByType = [Int64](repeating: 0, count: NotificationType.allCases.count)
        func emit(review: Sourced<ReviewNotice>?, loans group: [Sourced<LoanNotice>], key: String?) {
            let messages = notifications(
                reviewNotice: review?.notice, loanNotices: group.map(\.notice), asOf: payload.asOf, rules: rules
            )
            for message in messages {
                output.documents.append(message.jsonBytes(source: source(of: message, review: review, loans: group)))
                output.keys.append(BatchStageOutput.key(householdCode: key))
                output.outbox.append(message.outboxKey(rules: rules))
                countsByType[message.type.position] += 1
            }
        }

        for review in reviews {
            // Taking the loans out gives them to the first review of a household code that
            // is given twice (both copies carry the duplicate error), not to both.
            let code = review.notice.householdCode
            let own = code.flatMap { loansByHousehold.removeValue(forKey: $0) } ?? []
            emit(review: review, loans: own.map { loans[$0] }, key: code)
        }
        // The rest, household by household in the order they first appear; a loan without
        // a household code stands alone.
        for loan in loans {
            guard let code = loan.notice.householdCode else {
                emit(review: nil, loans: [loan], key: nil)
                continue
            }
            if let group = loansByHousehold.removeValue(forKey: code) { emit(review: nil, loans: group.map { loans[$0] }, key: code) }
        }
        for type in NotificationType.allCases where countsByType[type.position] > 0 {
            output.counters["notificationsByType/\(type.rawValue)"] = countsByType[type.position]
        }
        return output
    }

    /// The input line of the record a notification is about: the review's for list
    /// changes, supplement candidates and the household's data correction, the loan's
    /// (found by `subject`, the loan id) otherwise.
    private static func source(
        of message: NotificationMessage, review: Sourced<ReviewNotice>?, loans: [Sourced<LoanNotice>]
    ) -> ItemSource? {
        let aboutHousehold: Bool =
            switch message.type {
            case .listChange, .supplementCandidate: true
            case .dueReminder, .overdueNotice: false
            case .dataCorrection:
                review.map { !$0.notice.errorCodes.isEmpty && $0.notice.householdCode == message.subject } ?? false
            }
        if aboutHousehold { return review?.source }
        return loans.first { $0.notice.loanId == message.subject }?.source
    }
}
