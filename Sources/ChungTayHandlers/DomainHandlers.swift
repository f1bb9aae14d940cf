public import ChungTayRules
public import ChungTayWorker

/// `household.review`: a household record rechecked and classified (RULES.md section 1).
public struct HouseholdReviewHandler: TaskHandler {
    public let kind = "household.review"
    let rules: RuleBook

    public init(rules: RuleBook) {
        self.rules = rules
    }

    public func handle(_ task: TaskContext) throws(HandlerError) -> HandlerOutput {
        .document(try rejected { () throws(TaskRejection) in try HouseholdReviewTask.run(payload: task.payload, rules: rules) })
    }
}

/// `loan.status`: a policy loan's schedule, status, interest and surcharge (RULES.md section 2).
public struct LoanStatusHandler: TaskHandler {
    public let kind = "loan.status"
    let rules: RuleBook

    public init(rules: RuleBook) {
        self.rules = rules
    }

    public func handle(_ task: TaskContext) throws(HandlerError) -> HandlerOutput {
        .document(try rejected { () throws(TaskRejection) in try LoanStatusTask.run(payload: task.payload, rules: rules) })
    }
}

/// `notify.emit`: the notifications a review and its loans call for (RULES.md section 3),
/// one stored document each.
public struct NotifyEmitHandler: TaskHandler {
    public let kind = "notify.emit"
    let rules: RuleBook

    public init(rules: RuleBook) {
        self.rules = rules
    }

    public func handle(_ task: TaskContext) throws(HandlerError) -> HandlerOutput {
        .documents(try rejected { () throws(TaskRejection) in try NotifyEmitTask.run(payload: task.payload, rules: rules) })
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
