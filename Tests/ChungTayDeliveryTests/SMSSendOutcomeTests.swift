@testable import ChungTayDelivery
import Testing

@Suite struct SMSSendOutcomeTests {
    @Test func statusesSortIntoAcceptedRetryAndFailed() {
        for status in [200, 201, 202, 204] {
            #expect(SMSSendOutcome.classify(status: status, body: [], acceptMember: nil) == .accepted)
        }
        for status in [408, 429, 500, 502, 503, 504] {
            guard case .transient = SMSSendOutcome.classify(status: status, body: [], acceptMember: nil) else {
                Issue.record("\(status) should be retried")
                continue
            }
        }
        for status in [301, 400, 401, 403, 404, 422] {
            guard case .permanent = SMSSendOutcome.classify(status: status, body: [], acceptMember: nil) else {
                Issue.record("\(status) should fail at once")
                continue
            }
        }
    }

    @Test func anAcceptMemberTurnsARefusalIn200IntoAFailure() throws {
        let member = try SMSAcceptMember(parsing: "CodeResult=100")
        #expect(SMSSendOutcome.classify(status: 200, body: Array(#"{"CodeResult":"100","SMSID":"x"}"#.utf8), acceptMember: member) == .accepted)
        #expect(SMSSendOutcome.classify(status: 200, body: Array(#"{"CodeResult":100}"#.utf8), acceptMember: member) == .accepted)
        let refused = SMSSendOutcome.classify(status: 200, body: Array(#"{"CodeResult":"99","ErrorMessage":"Phone 0912345678 invalid"}"#.utf8), acceptMember: member)
        guard case .permanent(let error) = refused else {
            Issue.record("a 200 without the member is a refusal: \(refused)")
            return
        }
        #expect(error.contains("CodeResult=100") && error.contains("invalid"))
        #expect(!error.contains("0912345678"), "phones in the answer are masked")
        #expect(SMSSendOutcome.classify(status: 200, body: Array("OK".utf8), acceptMember: member) != .accepted)
        #expect(SMSSendOutcome.classify(status: 503, body: Array(#"{"CodeResult":"100"}"#.utf8), acceptMember: member) != .accepted)
    }

    @Test func excerptsAreOneShortLine() {
        let long = Array(("line one\nline two\t" + String(repeating: "x", count: 500)).utf8)
        let excerpt = SMSSendOutcome.excerpt(long)
        #expect(excerpt.hasPrefix(": line one line two"))
        #expect(!excerpt.contains("\n") && excerpt.count <= 202)
        #expect(SMSSendOutcome.excerpt([]) == "")
    }
}
