import ChungTayWire
import Testing

@testable import ChungTayDispatcher

@Suite("LeaseTable")
struct LeaseTableTests {
    private let worker = Envelope(routingId: [1], hasDelimiter: false)

    private func task(_ id: UInt64, attempts: Int = 0) -> QueuedTask {
        QueuedTask(id: id, kind: "echo", priority: 0, attempts: attempts, payload: [0, 1], batchId: nil)
    }

    @Test("a late answer for an overdue attempt frees only that slot, even when the task was leased to the same worker again")
    func lateAnswerDoesNotEndTheNewLease() {
        var leases = LeaseTable()
        _ = leases.grant(task(7), to: worker, at: 0)
        #expect(leases.expire(grantedBefore: 10).map(\.task.id) == [7])
        _ = leases.grant(task(7, attempts: 1), to: worker, at: 20)
        #expect(leases.count(for: worker) == 2)

        // The first answer is the overdue run's: dropped, and only its slot is freed.
        #expect(leases.release(7, heldBy: worker) == nil)
        #expect(leases.contains(7))
        #expect(leases.count(for: worker) == 1)
        #expect(leases.bytes(for: worker) == 2)

        // The second answer is the current lease's: the one whose document is stored.
        #expect(leases.release(7, heldBy: worker)?.attempt == 2)
        #expect(leases.count(for: worker) == 0)
        #expect(leases.countByKind["echo"] == 0)
    }
}
