/// `notify.emit`: `{"asOf", "review": {…} or null, "loans": [{…}], "hasActiveLoan": null}`
/// in, one notification document per notification out (none when nothing is due).
public enum NotifyEmitTask {
    /// Reads the payload as a worker does (`ParsedPayload(_:for:)`).
    public static func run(payload: [UInt8], rules: RuleBook) throws(TaskRejection) -> [[UInt8]] {
        try messages(payload: ParsedPayload(payload, for: .notifyEmit), rules: rules).map(\.jsonBytes)
    }

    /// The notifications, for a handler that stores each with its outbox key.
    public static func messages(payload: ParsedPayload, rules: RuleBook) throws(TaskRejection) -> [NotificationMessage] {
        let payload = try TaskPayload(payload)
        let review = try payload.optionalObject("review").map(ReviewNotice.init(document:))
        let loans = try payload.objects("loans").map(LoanNotice.init(document:))
        return notifications(
            reviewNotice: review, loanNotices: loans, hasActiveLoan: try payload.bool("hasActiveLoan"),
            asOf: payload.asOf, rules: rules
        )
    }
}
