import ChungTayWire
import Foundation
import Testing
@testable import ChungTayDelivery
@testable import ChungTayStore

/// The session's bookkeeping alone: which ids go out, and how far the cursor may move.
@Suite struct FeedSubscriberTests {
    /// A page of the outbox holding these deliverable ids.
    private func entries(_ ids: [Int64]) -> NotificationOutbox.Page {
        let entries = ids.map { id in
            OutboxEntry(id: id, dedupKey: "k\(id)", jobId: 1, batchId: nil, location: ResultLocation(file: "f", offset: 0, length: 2),
                        suppressedBy: nil, recordedAt: Date())
        }
        return NotificationOutbox.Page(deliverable: entries, readThrough: ids.last, rowsRead: ids.count)
    }

    private func session(window: Int, durable: FeedCursor) -> FeedSubscriber {
        FeedSubscriber(name: "bank", envelope: Envelope(routingId: [1], hasDelimiter: false), key: nil, window: window, durable: durable, now: 0)
    }

    @Test func theCursorStopsBelowTheLowestIdStillOut() {
        var subscriber = session(window: 10, durable: FeedCursor(ackedThrough: 0, ackedAbove: [3]))
        subscriber.take(entries([1, 2, 3, 4, 5]))
        #expect(subscriber.unsent.map(\.id) == [1, 2, 4, 5], "an id acknowledged before is passed over")
        subscriber.sent(4)
        #expect(subscriber.freeWindow == 6)

        let first = subscriber.acknowledgement(of: [2, 5, 5, 99, .max])
        #expect(first?.ids == [2, 5] && first?.cursor == 0, "ids not in flight are ignored; 1 is still out")
        subscriber.acknowledged([2, 5], cursor: 0)
        let second = subscriber.acknowledgement(of: [1])
        #expect(second?.cursor == 3, "1, 2 and 3 are acknowledged, 4 is out")
        subscriber.acknowledged([1], cursor: 3)
        #expect(subscriber.ackedAbove == [5])
        #expect(subscriber.acknowledgement(of: [4])?.cursor == 5, "nothing out: the cursor reaches what was read")
        #expect(subscriber.acknowledgement(of: [1]) == nil, "an id acknowledged already is not in flight")
    }

    @Test func oneIdHeldBackUnderTooManyAcknowledgedOnesStopsNewOnesUntilItIsAcknowledged() {
        let ahead = (2...Int64(FeedSubscriber.maxAckedAbove + 1)).map { $0 }
        var subscriber = session(window: 10, durable: FeedCursor(ackedThrough: 0, ackedAbove: ahead))
        #expect(!subscriber.isStalled && subscriber.freeWindow == 10, "nothing is out: reading passes over them")
        subscriber.take(entries([1]))
        subscriber.sent(1)
        #expect(subscriber.isStalled && subscriber.freeWindow == 0, "id 1 holds the cursor below 10,000 acknowledged ids")
        subscriber.acknowledged([1], cursor: subscriber.acknowledgement(of: [1])!.cursor)
        #expect(subscriber.cursor == 1 && !subscriber.isStalled)
        #expect(subscriber.acknowledgedAhead == FeedSubscriber.maxAckedAbove)
        let last = Int64(FeedSubscriber.maxAckedAbove + 11)
        subscriber.take(entries(Array(2...last)))
        #expect(subscriber.unsent.map(\.id) == Array((last - 9)...last), "only the new ones wait")
        subscriber.sent(10)
        subscriber.acknowledged([last - 9], cursor: subscriber.acknowledgement(of: [UInt64(last - 9)])!.cursor)
        #expect(subscriber.cursor == last - 9 && subscriber.ackedAbove.isEmpty)
    }
}
