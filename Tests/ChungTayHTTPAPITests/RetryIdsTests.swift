@testable import ChungTayHTTPAPI
import Testing

/// The body of `POST /v1/dead-letters:retry`: absent or without `ids` means every dead
/// letter, a list is read with bounds, anything else is refused before the dispatcher sees it.
@Suite struct RetryIdsTests {
    private func ids(_ body: String, _ contentType: String? = "application/json") throws(HTTPProblem) -> [UInt64]? {
        try OperatorRoutes.retryIds(Array(body.utf8), contentType: contentType)
    }

    @Test func everyDeadLetterWithoutIds() throws {
        #expect(try ids("", nil) == nil)
        #expect(try ids(" \n", nil) == nil)
        #expect(try ids("{}") == nil)
    }

    @Test func listedIds() throws {
        #expect(try ids(#"{"ids":["3","1","2"]}"#) == [3, 1, 2])
        #expect(try ids(#"{"ids":[]}"#) == [])
        #expect(try ids(#"{"ids":["7"]}"#, "application/json; charset=utf-8") == [7])
        #expect(try ids(#"{"ids":["18446744073709551615"]}"#) == [UInt64.max])
    }

    @Test func refusals() {
        let cases: [(String, String?, String)] = [
            (#"{"ids":[1]}"#, "text/plain", "unsupported_media_type"),
            (#"{"ids":[1]}"#, nil, "unsupported_media_type"),
            ("[1,2]", "application/json", "bad_request"),
            (#"{"ids":"all"}"#, "application/json", "bad_request"),
            (#"{"ids":[7]}"#, "application/json", "bad_request"),
            (#"{"ids":["-4"]}"#, "application/json", "bad_request"),
            (#"{"ids":["1.5"]}"#, "application/json", "bad_request"),
            (#"{"ids":["18446744073709551616"]}"#, "application/json", "bad_request"),
            (#"{"ids":[""]}"#, "application/json", "bad_request"),
            (#"{"ids":[1],"all":true}"#, "application/json", "bad_request"),
            ("{", "application/json", "bad_request"),
        ]
        for (body, contentType, code) in cases {
            #expect(throws: HTTPProblem.self, "\(body)") { try ids(body, contentType) }
            do throws(HTTPProblem) { _ = try ids(body, contentType) } catch { #expect(error.code == code, "\(body)") }
        }
        let tooMany = #"{"ids":["# + (1...10_001).map { "\"\($0)\"" }.joined(separator: ",") + "]}"
        do throws(HTTPProblem) { _ = try ids(tooMany) } catch { #expect(error.code == "too_large") }
    }
}
