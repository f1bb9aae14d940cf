@testable import ChungTayHTTPAPI
import Testing

/// A long-poll ends on a final state, as JOB-INFO spells it.
@Suite struct JobWaitTests {
    @Test func finalStates() {
        for (state, final) in [("queued", false), ("running", false), ("retrying", false), ("completed", true), ("dead", true)] {
            let document = #"{"id":"1","kind":"system.echo","state":"\#(state)","attempts":0,"error":null,"result":null}"#
            #expect(JobWait.isFinal(Array(document.utf8)) == final, "\(state)")
        }
    }
}
