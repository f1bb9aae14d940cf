import ChungTayClient
@testable import ChungTayHTTPAPI
import ChungTayWire
import Foundation
import Testing

/// Problem documents (RFC 9457) carry the wire's codes with the statuses docs/openapi.yaml
/// gives them, and a dispatcher that does not answer is `unavailable`.
@Suite struct HTTPProblemTests {
    @Test func everyWireCodeHasItsStatus() {
        let expected: [WireError.Code: Int] = [
            .malformed: 400, .unsupportedProtocol: 400, .unknownCommand: 400, .tooLarge: 413, .unknownKind: 404, .unknownJob: 404,
            .unknownBatch: 404, .batchMismatch: 409, .batchSealed: 409, .sealMismatch: 409, .counterOverflow: 422,
            .tooManyCounters: 422, .payloadInvalid: 422, .tooManyWaits: 429, .forbidden: 403, .shuttingDown: 503, .storage: 503,
        ]
        for code in WireError.Code.allCases {
            let problem = HTTPProblem(WireError(code, "why"))
            #expect(problem.status.code == expected[code] ?? 500, "\(code)")
            #expect(problem.code == code.rawValue)
        }
        // A code this build does not know (a newer dispatcher's) is kept, as a 500.
        let unknown = HTTPProblem(wireCode: "something_new", detail: "x")
        #expect(unknown.status.code == 500 && unknown.code == "something_new")
    }

    @Test func theDocumentHasEveryMember() throws {
        let problem = HTTPProblem(WireError(.unknownKind, #"kind "x" is "not" accepted"#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(problem.document)) as? [String: Any])
        #expect(object["type"] as? String == "urn:chungtay:problem:unknown_kind")
        #expect(object["title"] as? String == "Not Found")
        #expect(object["status"] as? Int == 404)
        #expect(object["detail"] as? String == #"kind "x" is "not" accepted"#)
        #expect(object["code"] as? String == "unknown_kind")
        #expect(problem.response().headers[.contentType] == "application/problem+json")
    }

    @Test func headersTheStatusCallsFor() {
        #expect(HTTPProblem.rateLimited(retryAfterSeconds: 3).headers[.retryAfter] == "3")
        #expect(HTTPProblem.unauthenticated("no token").headers[.wwwAuthenticate] == "Bearer")
        #expect(HTTPProblem.methodNotAllowed(.delete, allowed: [.get, .post]).headers[.allow] == "GET, POST")
    }

    @Test func clientErrors() {
        #expect(HTTPProblem(clientError: .unreachable(endpoint: "tcp://127.0.0.1:1", seconds: 2)).code == "unavailable")
        #expect(HTTPProblem(clientError: .unreachable(endpoint: "tcp://127.0.0.1:1", seconds: 2)).status.code == 503)
        #expect(HTTPProblem(clientError: .rejected(endpoint: "e", reason: "r")).status.code == 503)
        let refused = HTTPProblem(clientError: .refused(code: "forbidden", message: "not yours"))
        #expect(refused.status.code == 403 && refused.code == "forbidden" && refused.detail == "not yours")
        #expect(HTTPProblem(clientError: .badReply("?")).status.code == 500)
    }
}
