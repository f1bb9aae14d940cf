/// The three stages a batch chunk goes through (docs/BATCH.md): `household.review`
/// (stage A), `loan.status` (stage B) and `notify.emit` (stage C), each handing the next
/// its follow-up job.
public enum BatchStage {
    enum Kind: String {
        case householdReview = "household.review"
        case loanStatus = "loan.status"
        case notifyEmit = "notify.emit"
    }

    public static func run(kind: String, payload: [UInt8], rules: RuleBook) throws(TaskRejection) -> BatchStageOutput {
        try run(kind: kind, payload: ParsedPayload(payload), rules: rules)
    }

    /// - Throws: `payload_invalid` when the payload breaks the stage contract or the kind
    ///   has no stage; `no_standard` when no poverty standard covers `batch.asOf` (stage A).
    ///   A record that fails its checks is not an error: its document carries the flags.
    public static func run(kind: String, payload: ParsedPayload, rules: RuleBook) throws(TaskRejection) -> BatchStageOutput {
        guard let stage = Kind(rawValue: kind) else { throw .payloadInvalid("no batch stage for kind \(kind)") }
        let payload = try BatchStagePayload(payload)
        switch stage {
        case .householdReview: return try HouseholdReviewStage.run(payload, rules: rules)
        case .loanStatus: return try LoanStatusStage.run(payload, rules: rules)
        case .notifyEmit: return try NotifyEmitStage.run(payload, rules: rules)
        }
    }
}
