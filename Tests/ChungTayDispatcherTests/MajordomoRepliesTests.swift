import ChungTayWire
import Testing

@testable import ChungTayDispatcher

@Suite("MajordomoReplies")
struct MajordomoRepliesTests {
    private func client(_ peer: UInt8) -> MajordomoReplies.Client {
        .init(envelope: Envelope(routingId: [peer], hasDelimiter: true), service: "system.echo")
    }

    @Test("a departed client's slots go, the others' stay")
    func removalByPeer() {
        var replies = MajordomoReplies()
        for job in 1...6 as ClosedRange<UInt64> { replies.add(client(UInt8(job % 2)), for: job) }
        #expect(replies.removeAll(from: [0]) == 3)
        #expect(replies.count == 3)
        #expect(!replies.isAwaited(2) && replies.isAwaited(3))
        #expect(replies.take(3)?.envelope.routingId == [1])
        #expect(replies.removeAll(from: [1]) == 2)
        #expect(replies.count == 0)
    }

    @Test("the per-client and total caps count this turn's requests too")
    func caps() {
        var replies = MajordomoReplies()
        for job in 1...15 as ClosedRange<UInt64> { replies.add(client(1), for: job) }
        #expect(replies.refusal(for: [1], inTurn: (0, 0)) == nil)
        #expect(replies.refusal(for: [1], inTurn: (1, 1)) != nil)
        #expect(replies.refusal(for: [2], inTurn: (0, 0)) == nil)
        #expect(replies.refusal(for: [2], inTurn: (0, MajordomoReplies.maxTotal - 15)) != nil)
    }
}
