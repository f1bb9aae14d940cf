@testable import ChungTayHTTPAPI
import Testing

/// Long-polls are capped in all and per identity, and a slot is given back when its poll ends.
@Suite struct LongPollSlotsTests {
    @Test func capsPerIdentityAndInAll() async throws {
        let slots = LongPollSlots(limit: 3, perIdentity: 2)
        let refusals = try await slots.withSlot(for: "a") { () async throws(HTTPProblem) -> [String] in
            try await slots.withSlot(for: "a") { () async throws(HTTPProblem) -> [String] in
                var codes: [String] = []
                do throws(HTTPProblem) { _ = try await slots.withSlot(for: "a") { () async throws(HTTPProblem) in 0 } } catch { codes.append(error.code) }
                try await slots.withSlot(for: "b") { () async throws(HTTPProblem) in
                    do throws(HTTPProblem) { _ = try await slots.withSlot(for: "c") { () async throws(HTTPProblem) in 0 } } catch { codes.append(error.code) }
                }
                return codes
            }
        }
        #expect(refusals == ["too_many_waits", "too_many_waits"])
        // Every slot is free again.
        let reopened = try await slots.withSlot(for: "a") { () async throws(HTTPProblem) in
            try await slots.withSlot(for: "a") { () async throws(HTTPProblem) in
                try await slots.withSlot(for: "c") { () async throws(HTTPProblem) in true }
            }
        }
        #expect(reopened)
    }
}
