import Testing

@testable import ChungTayDispatcher

@Suite("BacklogPostponement")
struct BacklogPostponementTests {
    @Test("a lasting backlog postpones the work by at most the limit; an empty read makes it due at once")
    func boundedPostponement() {
        var roster = BacklogPostponement(limit: 1)
        // A flood between an empty read at 0 and one at 12.1: every turn in between ends at
        // the read cap. Clock values are given, not measured.
        let turns: [(backlog: Bool, now: Double)] = [
            (false, 0), (true, 10), (true, 10.5), (true, 11), (true, 11.9), (true, 12), (false, 12.1), (true, 12.2),
        ]
        let due = turns.map { roster.isDue(backlog: $0.backlog, now: $0.now) }
        #expect(due == [true, false, false, true, false, true, true, false])
    }
}
