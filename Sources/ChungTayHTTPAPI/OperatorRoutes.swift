import ChungTayCoding
import ChungTayWire
import Hummingbird

/// The operators' routes: `GET /v1/dead-letters`, `POST /v1/dead-letters:retry` and
/// `GET /v1/status`. A caller that is not an operator is refused here (403 `forbidden`, as
/// the dispatcher would refuse it), without a round trip.
enum OperatorRoutes {
    static func register(on router: APIRouter) {
        let services = router.services
        router.add(.get, "/v1/dead-letters") { _, context in
            try requireOperator(context.caller)
            guard case .deadLetterList(let json) = try await services.call(.deadLetters, for: context.caller) else {
                throw JobRoutes.unexpectedReply("DEAD-LETTER-LIST")
            }
            return APIResponse.json(.ok, json)
        }
        router.add(.post, "/v1/dead-letters:retry") { request, context in
            try requireOperator(context.caller)
            let body = Array(buffer: try await services.body(of: request, context: context, limit: .json))
            let listed = try retryIds(body, contentType: request.headers[.contentType])
            // An empty list asks for none; on the wire an empty list means all of them.
            if listed?.isEmpty == true { return APIResponse.json(.ok, #"{"retried":0}"#) }
            guard case .retried(let count) = try await services.call(.retryDeadLetters(listed ?? []), for: context.caller) else {
                throw JobRoutes.unexpectedReply("RETRIED")
            }
            return APIResponse.json(.ok, #"{"retried":\#(count)}"#)
        }
        router.add(.get, "/v1/status") { _, context in
            try requireOperator(context.caller)
            guard case .statusReport(let json) = try await services.call(.status, for: context.caller) else {
                throw JobRoutes.unexpectedReply("STATUS-REPORT")
            }
            return APIResponse.json(.ok, json)
        }
    }

    static func requireOperator(_ caller: HTTPCaller) throws(HTTPProblem) {
        guard caller.isOperator else {
            throw HTTPProblem(.init(.forbidden, "\(caller.principal ?? "this caller") is not an operator"))
        }
    }

    /// The ids of `{"ids":[…]}` (at most 10,000), or nil (every dead letter) for an empty body
    /// or one without `ids`.
    static func retryIds(_ body: [UInt8], contentType: String?) throws(HTTPProblem) -> [UInt64]? {
        guard !body.allSatisfy(UnicodeText.isASCIIWhitespace) else { return nil }
        guard contentType?.split(separator: ";").first.map({ $0.lowercased() == "application/json" }) == true else {
            throw .unsupportedMediaType("send the ids as application/json: {\"ids\":[…]}")
        }
        guard case .object(let object)? = try? JSONReader.parse(body) else { throw .badRequest("the body is not a JSON object") }
        guard object.members.allSatisfy({ $0.key == "ids" }) else { throw .badRequest("the body takes only \"ids\"") }
        guard let value = object["ids"] else { return nil }
        guard case .array(let items) = value else { throw .badRequest("ids must be an array of job ids") }
        guard items.count <= ClientProtocol.retryLimit else {
            throw .tooLarge("at most \(ClientProtocol.retryLimit) ids per request")
        }
        var ids: [UInt64] = []
        ids.reserveCapacity(items.count)
        for item in items {
            // Strings, as receipts and job documents write ids (docs/openapi.yaml's `JobId`).
            guard case .string(let text) = item else { throw .badRequest("ids must be job ids written as strings, e.g. \"42\"") }
            ids.append(try JobRoutes.jobId(text))
        }
        return ids
    }
}
