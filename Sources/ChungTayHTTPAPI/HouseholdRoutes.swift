import ChungTayWire
import Hummingbird

/// `GET /v1/households/{code}/results[?batch=ID]`: RESULTS on behalf of the caller (the
/// dispatcher keeps to what the caller may read), as `{"household":CODE,"documents":[…]}`.
enum HouseholdRoutes {
    /// The longest household code RESULTS takes, in bytes.
    static let maxCodeLength = 1024

    static func register(on router: APIRouter) {
        let services = router.services
        router.add(.get, "/v1/households/{code}/results") { request, context in
            guard let code = context.pathParameters["code"], (1...maxCodeLength).contains(code.utf8.count) else {
                throw HTTPProblem.badRequest("a household code is 1 to \(maxCodeLength) bytes")
            }
            let batch = try APIQuery.single("batch", of: request)
            if let batch, !(1...JobSpec.maxBatchIdLength).contains(batch.utf8.count) {
                throw HTTPProblem.badRequest("batch must be 1 to \(JobSpec.maxBatchIdLength) bytes")
            }
            // The audit trail records who asked: the principal, or the remote host without one.
            let requestedBy = "http " + (context.caller.principal ?? APIRequestContext.host(of: context.channel))
            guard case .documents(let documents) = try await services.call(
                .results(key: code, batchId: batch, requestedBy: String(requestedBy.utf8.prefix(BatchOpening.maxSubmitterLength)) ?? "http"),
                for: context.caller)
            else { throw JobRoutes.unexpectedReply("DOCUMENTS") }
            var body = Array(#"{"household":"#.utf8)
            JSONText.appendString(code, to: &body)
            body += Array(#","documents":["#.utf8)
            for (index, document) in documents.enumerated() {
                if index > 0 { body.append(UInt8(ascii: ",")) }
                body += document
            }
            body += Array("]}".utf8)
            return APIResponse.json(.ok, body)
        }
    }
}
