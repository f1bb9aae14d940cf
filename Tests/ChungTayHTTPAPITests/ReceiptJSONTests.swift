import ChungTayWire
@testable import ChungTayHTTPAPI
import Foundation
import Testing

/// A job's receipt (`POST /v1/jobs/{kind}`, each of `:batch`'s) gives its id as a string,
/// like the job document, so the largest id survives a JSON reader whose numbers are doubles;
/// and `GET /v1/jobs/{id}` reads every id a receipt can hold.
@Suite struct ReceiptJSONTests {
    @Test func theIdIsAStringOfDigits() throws {
        let largest = SubmitReceipt(jobId: UInt64.max, existed: true)
        #expect(JobRoutes.receiptJSON(largest) == #"{"id":"18446744073709551615","existed":true}"#)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(JobRoutes.receiptJSON(.init(jobId: 1, existed: false)).utf8)) as? [String: Any])
        #expect(parsed["id"] as? String == "1" && parsed["existed"] as? Bool == false)
    }

    /// Every id a receipt can carry is read back from `GET /v1/jobs/{id}`; nothing else is.
    @Test func aJobIdInAPathIsWhatAReceiptWrites() throws {
        #expect(try JobRoutes.jobId("1") == 1)
        #expect(try JobRoutes.jobId("18446744073709551615") == UInt64.max)
        for text in [nil, "", "18446744073709551616", "-1", "+1", "1e3", " 1", "123456789012345678901"] as [String?] {
            #expect(throws: HTTPProblem.self, "\(text ?? "nil")") { try JobRoutes.jobId(text) }
        }
    }
}
