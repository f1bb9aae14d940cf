/// The name of a kind of task (`household.review`), which routes a job to the workers
/// serving it and names its store directory.
///
/// Any valid kind name is a kind (`JobSpec.isValidKind`): a worker may serve kinds this
/// project never heard of, so kinds read from the wire stay strings and are wrapped, not
/// checked against a list. The static members name the kinds the project itself
/// produces, so that each is spelled once.
public struct TaskKind: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String

    @inlinable
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    @inlinable
    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }

    public var description: String { rawValue }

    /// Returns its payload: the health check and the benchmark load.
    public static let systemEcho: TaskKind = "system.echo"
    /// A household reviewed, or stage A of a batch (docs/BATCH.md).
    public static let householdReview: TaskKind = "household.review"
    /// A policy loan's status, or stage B of a batch.
    public static let loanStatus: TaskKind = "loan.status"
    /// The notifications of a review and its loans, or stage C of a batch.
    public static let notifyEmit: TaskKind = "notify.emit"
    /// A batch's summary document, which the dispatcher stores itself when the batch
    /// completes: no worker serves it.
    public static let batchSummary: TaskKind = "batch.summary"

    /// The kinds `chungtay worker` has handlers for, which the dispatcher accepts before
    /// any worker has announced them.
    public static let builtIn: [TaskKind] = [.systemEcho, .householdReview, .loanStatus, .notifyEmit]
}
