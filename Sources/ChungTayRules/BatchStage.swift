public import ChungTayWire
import ChungTayCoding

/// The three stages a batch chunk goes through (docs/BATCH.md): `household.review`
/// (stage A), `loan.status` (stage B) and `notify.emit` (stage C), each handing the next
/// its follow-up job.
public enum BatchStage {
    public static func run(kind: TaskKind, payload: [UInt8], rules: RuleBook) throws(TaskRejection) -> BatchStageOutput {
        try run(kind: kind, payload: ParsedPayload(payload, for: kind), rules: rules)
    }

    /// The lists (by `KnownKeys` number) that the stage of `kind` only checks for shape
    /// and hands on: `loan.status` hands on the review notices, needing only that each is
    /// an object. Stage A reads its loan items to check them, stage C reads everything.
    static func listsOnlyHandedOn(by kind: TaskKind) -> Set<Int> {
        kind == .loanStatus ? reviewNotices : []
    }

    private static let reviewNotices: Set<Int> = [KnownKeys.index(of: "reviews")!]

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
