import Hummingbird
import Testing

@testable import ChungTayOperatorPage

/// A `/logs/stream` slot comes back when the response holding it goes away, whether or not
/// its body ran (the body used to give it back, so a body never run leaked it for good).
@Suite struct LogStreamSlotsTests {
    @Test func aResponseDroppedBeforeItsBodyRanGivesItsSlotBack() throws {
        let slots = LogStreamSlots(limit: 2)
        var responses: [Response] = []
        for _ in 0..<2 {
            let slot = try #require(slots.reserve())
            responses.append(Response(status: .ok, body: ResponseBody { writer in
                withExtendedLifetime(slot) {}
                try await writer.finish(nil)
            }))
        }
        #expect(slots.reserve() == nil, "the limit holds while both responses exist")
        #expect(slots.count == 2)
        responses.removeAll()
        #expect(slots.count == 0)
        #expect(slots.reserve() != nil)
    }
}
