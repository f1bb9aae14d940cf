import ChungTayStore
import ChungTayWire

/// One kind's counts on the dispatcher thread: its completed and dead jobs (from the journal
/// at start, then kept up to date) and, since the dispatcher started, its attempts by
/// outcome. Kept in one entry so a finished task costs a single lookup by kind name.
struct KindCounts {
    var completed = 0
    var dead = 0
    /// A retried or dead-lettered attempt is a failed one too.
    var outcomes = StatusReport.TaskOutcomes()

    /// From the journal's counts by state.
    init(states: [JobState: Int] = [:]) {
        completed = states[.completed] ?? 0
        dead = states[.dead] ?? 0
    }

    /// A task's result was committed: its job is completed.
    mutating func succeeded() {
        completed += 1
        outcomes.succeeded += 1
    }

    /// A task's failure was committed: it runs again, or its job is dead.
    mutating func failed(deadLettered: Bool) {
        outcomes.failed += 1
        if deadLettered {
            dead += 1
            outcomes.deadLettered += 1
        } else {
            outcomes.retried += 1
        }
    }
}
