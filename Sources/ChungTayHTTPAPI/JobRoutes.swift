import ChungTayCoding
import ChungTayWire
import Hummingbird

/// `POST /v1/jobs/{kind}`, `POST /v1/jobs/{kind}:batch` and `GET /v1/jobs/{id}[?wait=S]`:
/// SUBMIT, and JOB, on behalf of the caller. A 202 is sent only after the dispatcher's
/// ACCEPTED, which it sends once the jobs are fsynced; the payload goes through unread.
enum JobRoutes {
    static func register(on router: APIRouter) {
        let services = router.services
        router.add(.post, "/v1/jobs/{job}") { request, context in
            let kind = try kind(context)
            let key = try IdempotencyKeyHeader.value(of: request)
            let payload = try await services.body(of: request, context: context, limit: .payload)
            let job = JobSpec(kind: kind, payload: Array(buffer: payload), idempotencyKey: key)
            guard case .accepted(let receipts) = try await services.call(.submit([job]), for: context.caller), receipts.count == 1 else {
                throw unexpectedReply("ACCEPTED with one receipt")
            }
            return APIResponse.json(.accepted, receiptJSON(receipts[0]), headers: [.location: "/v1/jobs/\(receipts[0].jobId)"])
        }
        router.add(.post, "/v1/jobs/{job}:batch") { request, context in
            let kind = try kind(context)
            try JobLines.requireMediaType(of: request)
            let key = try IdempotencyKeyHeader.value(of: request)
            let body = try await services.body(of: request, context: context, limit: .list)
            let lines = try JobLines(Array(buffer: body))
            let receipts = try await lines.submit(kind: kind, idempotencyKey: key, services: services, caller: context.caller)
            return APIResponse.json(.accepted, #"{"jobs":["# + receipts.map(receiptJSON).joined(separator: ",") + "]}")
        }
        router.add(.get, "/v1/jobs/{job}") { request, context in
            let id = try jobId(context.pathParameters["job"])
            guard let seconds = try APIQuery.waitSeconds(request), seconds > 0 else {
                return APIResponse.json(.ok, try await document(of: id, services: services, caller: context.caller))
            }
            let document = try await services.longPoll(for: context) { () async throws(HTTPProblem) -> [UInt8] in
                try await JobWait.document(of: id, seconds: seconds, services: services, caller: context.caller)
            }
            return APIResponse.json(.ok, document)
        }
    }

    /// The `{id}` capture: 1 to 20 decimal digits (docs/openapi.yaml's `JobId`, as receipts and
    /// job documents write ids) of a number below 2^64; the dispatcher says whether it names a job.
    static func jobId(_ text: String?) throws(HTTPProblem) -> UInt64 {
        guard let text, (1...20).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              let id = UInt64(text) else {
            throw .badRequest("a job id is 1 to 20 decimal digits, below 2^64")
        }
        return id
    }

    /// The job's JOB-INFO document.
    static func document(of id: UInt64, services: APIServices, caller: HTTPCaller) async throws(HTTPProblem) -> [UInt8] {
        guard case .jobInfo(let document) = try await services.call(.job(id), for: caller) else { throw unexpectedReply("JOB-INFO") }
        return document
    }

    /// The `{job}` capture as a kind (docs/PROTOCOL.md, "Names"), checked here so a bad one is
    /// `bad_request` like every other malformed part of the request.
    private static func kind(_ context: APIRequestContext) throws(HTTPProblem) -> String {
        guard let kind = context.pathParameters["job"], JobSpec.isValidKind(kind) else {
            throw .badRequest("a kind is lowercase ASCII letters, digits, '.', '_' and '-', starting with a letter, at most \(JobSpec.maxKindLength) bytes")
        }
        return kind
    }

    /// `{"id":"N","existed":BOOL}`: the id a string, as in the job document (`chungtay job`),
    /// so a client in a language whose numbers are doubles (JavaScript) keeps it exact past 2^53.
    static func receiptJSON(_ receipt: SubmitReceipt) -> String {
        #"{"id":"\#(receipt.jobId)","existed":\#(receipt.existed)}"#
    }

    static func unexpectedReply(_ expected: String) -> HTTPProblem {
        .internal("the dispatcher's reply was not \(expected)")
    }
}
