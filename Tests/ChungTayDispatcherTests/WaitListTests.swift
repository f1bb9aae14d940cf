import ChungTayWire
import Testing

@testable import ChungTayDispatcher

@Suite("WaitList")
struct WaitListTests {
    private func wait(_ peer: UInt8, request: UInt64, jobs: [UInt64]) -> WaitList.Wait {
        WaitList.Wait(envelope: Envelope(routingId: [peer], hasDelimiter: false), requestId: request, jobIds: jobs, pending: Set(jobs))
    }

    @Test("waits on one job are answered in the order they came, and a departed peer's waits are gone")
    func orderAndRemoval() {
        var waits = WaitList()
        for request in 1...5 as ClosedRange<UInt64> { waits.add(wait(UInt8(request % 2), request: request, jobs: [9])) }
        #expect(waits.removeAll(from: [0]) == 2)
        #expect(waits.count == 3)
        #expect(waits.finish(9).map(\.requestId) == [1, 3, 5])
        #expect(waits.count == 0)
    }

    @Test("a peer's waits on many shared jobs are dropped without touching the other peers'")
    func removalLeavesOthers() {
        var waits = WaitList()
        let jobs = Array(1...1000 as ClosedRange<UInt64>)
        waits.add(wait(1, request: 1, jobs: jobs))
        waits.add(wait(2, request: 2, jobs: jobs))
        #expect(waits.removeAll(from: [1]) == 1)
        for job in jobs.dropLast() { #expect(waits.finish(job).isEmpty) }
        #expect(waits.finish(1000).map(\.requestId) == [2])
    }
}
