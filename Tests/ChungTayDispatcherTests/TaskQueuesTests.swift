import Testing

@testable import ChungTayDispatcher

@Suite("TaskQueues")
struct TaskQueuesTests {
    private func task(_ id: UInt64, kind: String = "echo", priority: Int16 = 0, attempts: Int = 0, payload: [UInt8] = [1, 2, 3],
                      batchId: String? = nil) -> QueuedTask {
        QueuedTask(id: id, kind: kind, priority: priority, attempts: attempts, payload: payload, batchId: batchId)
    }

    @Test("higher priority first, then first in, first out, per kind")
    func order() {
        var queues = TaskQueues(payloadBudget: 1 << 20)
        queues.push(task(1))
        queues.push(task(2, priority: 5))
        queues.push(task(3))
        queues.push(task(4, kind: "other"))
        queues.push(task(5, priority: 5))
        #expect(queues.count(of: "echo") == 4)
        #expect(queues.total == 5)
        #expect(queues.first(of: "echo")?.id == 2)
        var popped: [UInt64] = []
        while let next = queues.pop(kind: "echo") { popped.append(next.id) }
        #expect(popped == [2, 5, 1, 3])
        #expect(queues.pop(kind: "other")?.id == 4)
        #expect(queues.total == 0)
    }

    @Test("a task leaves as it came: kind, priority, attempts, batch, payload, size and when it joined")
    func roundTrip() {
        var queues = TaskQueues(payloadBudget: 1 << 20)
        queues.now = 12.5
        queues.push(task(9, kind: "household.review", priority: -3, attempts: 2, payload: [7, 8], batchId: "b-1"))
        queues.now = 13
        queues.push(task(10, kind: "household.review", priority: -3))
        #expect(queues.retries(of: "household.review") == 1)
        #expect(queues.oldestEnqueuedAt(of: "household.review") == 12.5)
        let first = queues.pop(kind: "household.review")
        #expect(first?.id == 9)
        #expect(first?.kind == "household.review")
        #expect(first?.priority == -3)
        #expect(first?.attempts == 2)
        #expect(first?.batchId == "b-1")
        #expect(first?.payload == [7, 8])
        #expect(first?.payloadSize == 2)
        #expect(first?.enqueuedAt == 12.5)
        #expect(queues.retries(of: "household.review") == 0)
        let second = queues.pop(kind: "household.review")
        #expect(second?.attempts == 0)
        #expect(second?.batchId == nil)
        #expect(second?.enqueuedAt == 13)
    }

    @Test("payloads past the budget, counted with their bookkeeping, are not kept; their size still is")
    func payloadBudget() {
        let cost = 100 + TaskQueues.payloadEntryOverhead
        var queues = TaskQueues(payloadBudget: 2 * cost)
        for id in UInt64(1)...3 { queues.push(task(id, payload: Array(repeating: 0, count: 100))) }
        #expect(queues.cachedPayloadBytes == 2 * cost)
        #expect(queues.pop(kind: "echo")?.payload?.count == 100)
        #expect(queues.cachedPayloadBytes == cost)
        #expect(queues.pop(kind: "echo")?.payload?.count == 100)
        let third = queues.pop(kind: "echo")
        #expect(third?.payload == nil)
        #expect(third?.payloadSize == 100)
        #expect(queues.cachedPayloadBytes == 0)
        // Room again once the cached ones left.
        queues.push(task(4, payload: Array(repeating: 0, count: 100)))
        #expect(queues.first(of: "echo")?.payload?.count == 100)
    }
}
