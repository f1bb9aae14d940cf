public import ChungTayWire
import ChungTayCoding

/// The three stages a batch chunk goes through (docs/BATCH.md): `household.review`
/// (stage A), `loan.status` (stage B) and `notify.emit` (stage C), each handing the next
/// its follow-up job.
public enum BatchStage {
    public static func run(kind: TaskKind, payload: [UInt8], rules: RuleBook) throws(TaskRejection) -> BatchStageOutput {
        try run(kind: kind, payload: ParsedPayload(payload, for: kind), rules: rules)
    }

    /// The lists (by `KnownKeys` number) that the stage of `kind` reads from their bytes
    /// rather than from values: its item lists, scanned item by item into records
    /// (`BatchItem.scanList`; stage A's loan items only for their shape, since it hands
    /// them on as bytes), and in `loan.status` the review notices, which it only checks to
    /// be objects and hands on. Stage C reads everything into values.
    static func listsLeftUnread(by kind: TaskKind) -> Set<Int> {
        switch kind {
        case .householdReview: householdReviewLists
        case .loanStatus: loanStatusLists
        default: []
        }
    }

    private static let householdReviewLists: Set<Int> = Set(["households", "loans"].map { KnownKeys.index(of: $0)! })
    private static let loanStatusLists: Set<Int> = Set(["loans", "reviews"].map { KnownKeys.index(of: $0)! })

    /// - Throws: `payload_invalid` when the payload breaks the stage contract or the kind
    ///   has no stage; `no_standard` when no poverty standard covers `batch.asOf` (stage A).
    ///   A record that fails its checks is not an error: its document carries the flags.
    public static func run(kind: TaskKind, payload: ParsedPayload, rules: RuleBook) throws(TaskRejection) -> BatchStageOutput {
        let stage: (BatchStagePayload, RuleBook) throws(TaskRejection) -> BatchStageOutput
        switch kind {
        case .householdReview: stage = HouseholdReviewStage.run
        case .loanStatus: stage = LoanStatusStage.run
        case .notifyEmit: stage = NotifyEmitStage.run
        default: throw .payloadInvalid("no batch stage for kind \(kind)")
        }
        return try stage(try BatchStagePayload(payload), rules)
    }
}
