/// A job's durable state. "Running" is not stored: leases live in the dispatcher's
/// memory and are void after a restart, so a job that was running is simply queued again.
public enum JobState: Int, Sendable, CaseIterable {
    case queued = 0
    case completed = 1
    case dead = 2

    public var name: String {
        switch self {
        case .queued: "queued"
        case .completed: "completed"
        case .dead: "dead"
        }
    }

    public var isFinal: Bool { self != .queued }
}
