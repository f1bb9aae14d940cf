import ChungTayWire
import Testing

@testable import ChungTayDispatcher

@Suite("BatchFollowers")
struct BatchFollowersTests {
    private func follower(_ peer: UInt8, request: UInt64, batch: String = "B1", deadline: Double = 10) -> BatchFollowers.Follower {
        BatchFollowers.Follower(envelope: Envelope(routingId: [peer], hasDelimiter: false), requestId: request, batchId: batch, deadline: deadline)
    }

    @Test("a batch's followers are answered at its completion in the order they came, others' stay")
    func completion() {
        var followers = BatchFollowers()
        for request in 1...4 as ClosedRange<UInt64> { followers.add(follower(UInt8(request % 2), request: request)) }
        followers.add(follower(1, request: 5, batch: "B2"))
        #expect(followers.complete("B1").map(\.requestId) == [1, 2, 3, 4])
        #expect(followers.complete("B1").isEmpty, "answered once")
        #expect(followers.count == 1)
    }

    @Test("followers are answered once their deadline passes, the earliest deadline is the loop's wake")
    func deadlines() {
        var followers = BatchFollowers()
        #expect(followers.nextDeadline == nil)
        followers.add(follower(1, request: 1, deadline: 12))
        followers.add(follower(2, request: 2, deadline: 11))
        followers.add(follower(1, request: 3, deadline: 20))
        #expect(followers.nextDeadline == 11)
        #expect(followers.due(at: 10.5).isEmpty)
        #expect(followers.due(at: 12).map(\.requestId) == [1, 2])
        #expect(followers.nextDeadline == 20)
        #expect(followers.complete("B1").map(\.requestId) == [3])
    }

    @Test("a departed peer's followers go, and the caps hold per peer and in total")
    func departureAndCaps() {
        var followers = BatchFollowers()
        for request in 0..<UInt64(BatchFollowers.maxPerPeer) { followers.add(follower(1, request: request)) }
        let envelope = Envelope(routingId: [1], hasDelimiter: false)
        #expect(followers.refusal(for: envelope) != nil)
        #expect(followers.refusal(for: Envelope(routingId: [2], hasDelimiter: false)) == nil)
        #expect(followers.removeAll(from: [1]) == BatchFollowers.maxPerPeer)
        #expect(followers.count == 0 && followers.refusal(for: envelope) == nil)
        for peer in 0..<(BatchFollowers.maxTotal / BatchFollowers.maxPerPeer) {
            for request in 0..<UInt64(BatchFollowers.maxPerPeer) {
                followers.add(BatchFollowers.Follower(
                    envelope: Envelope(routingId: [UInt8(peer), 9], hasDelimiter: false), requestId: request, batchId: "B1", deadline: 10))
            }
        }
        #expect(followers.refusal(for: envelope)?.contains("\(BatchFollowers.maxTotal)") == true)
        #expect(followers.due(at: 10).count == BatchFollowers.maxTotal)
        #expect(followers.count == 0)
    }
}
