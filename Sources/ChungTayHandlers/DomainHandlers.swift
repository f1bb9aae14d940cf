public import ChungTayRules
public import ChungTayWire
public import ChungTayWorker

/// `household.review`: a household record rechecked and classified (RULES.md section 1),
/// or stage A of a batch (docs/BATCH.md).
public struct HouseholdReviewHandler: TaskHandler {
    public let kind = TaskKind.householdReview
    let rules: RuleBook

    public init(rules: RuleBook) {
        self.rules = rules
    }

    public func handle(_ task: TaskContext) throws(HandlerError) -> HandlerOutput {
        try handleStageOrSingle(task, kind: kind, rules: rules) { payload throws(TaskRejection) in
            .document(try HouseholdReviewTask.run(payload: payload, rules: rules))
        }
    }
}

/// `loan.status`: a policy loan's schedule, status, interest and surcharge (RULES.md section 2),
/// or stage B of a batch.
public struct LoanStatusHandler: TaskHandler {
    public let kind = TaskKind.loanStatus
    let rules: RuleBook

    public init(rules: RuleBook) {
        self.rules = rules
    }

    public func handle(_ task: TaskContext) throws(HandlerError) -> HandlerOutput {
        try handleStageOrSingle(task, kind: kind, rules: rules) { payload throws(TaskRejection) in
            .document(try LoanStatusTask.run(payload: payload, rules: rules))
        }
    }
}

/// `notify.emit`: the notifications a review and its loans call for (RULES.md section 3),
/// one stored document each, or stage C of a batch.
public struct NotifyEmitHandler: TaskHandler {
    public let kind = TaskKind.notifyEmit
    let rules: RuleBook

    public init(rules: RuleBook) {
        self.rules = rules
    }

    public func handle(_ task: TaskContext) throws(HandlerError) -> HandlerOutput {
        try handleStageOrSingle(task, kind: kind, rules: rules) { payload throws(TaskRejection) in
            let messages = try NotifyEmitTask.messages(payload: payload, rules: rules)
            return HandlerOutput(documents: messages.map(\.jsonBytes), isList: true, outbox: messages.map { $0.outboxKey(rules: rules) })
        }
    }
}

/// Reads the payload once and runs the batch stage of `kind` on a batch stage payload,
/// `single` on a single-record one.
func handleStageOrSingle(
    _ task: TaskContext, kind: TaskKind, rules: RuleBook, single: (ParsedPayload) throws(TaskRejection) -> HandlerOutput
) throws(HandlerError) -> HandlerOutput {
    try rejected { () throws(TaskRejection) in
        let payload = try ParsedPayload(task.payload, for: kind)
        if payload.isBatchStage { return HandlerOutput(try BatchStage.run(kind: kind, payload: payload, rules: rules)) }
        return try single(payload)
    }
}

/// A payload the rules refuse (not JSON, no standard for the date…) will be refused on
/// every attempt, so it is not retryable: it goes to the dead letters at once.
func rejected<Output>(_ body: () throws(TaskRejection) -> Output) throws(HandlerError) -> Output {
    do {
        return try body()
    } catch {
        throw HandlerError(code: error.code, message: error.message, retryable: false)
    }
}

extension HandlerOutput {
    /// A batch stage's documents are a list stored under their household codes, with
    /// the next stage as the follow-up job (docs/BATCH.md).
    init(_ stage: BatchStageOutput) {
        self.init(
            documents: stage.documents, isList: true, keys: stage.keys,
            followUps: stage.followUp.map { [FollowUpJob(kind: $0.kind, payload: $0.payload)] } ?? [],
            counters: stage.counters, outbox: stage.outbox
        )
    }
}
