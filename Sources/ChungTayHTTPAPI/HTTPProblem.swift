public import ChungTayClient
public import ChungTayWire
public import HTTPTypes
public import Hummingbird

/// Every refusal of the HTTP API, as an RFC 9457 problem document
/// (`application/problem+json`): `{"type":"urn:chungtay:problem:CODE","title","status","detail","code"}`.
///
/// CODE is the wire's error code (docs/PROTOCOL.md, "Error codes") when the dispatcher refused,
/// so an HTTP caller matches on the same codes as a CTCP01 client, or one of the HTTP-only codes
/// below. A route throws it; Hummingbird turns it into the response (``HTTPResponseError``).
public struct HTTPProblem: Error, Sendable, Equatable, HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var detail: String
    /// Headers the status calls for: `Retry-After` (429), `Allow` (405), `WWW-Authenticate` (401).
    public var headers: HTTPFields

    public init(status: HTTPResponse.Status, code: String, detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers
    }

    /// The dispatcher's refusal, with the status its code stands for.
    public init(_ wireError: WireError) {
        self.init(wireCode: wireError.code.rawValue, detail: wireError.message)
    }

    /// An ERROR reply as received: `code` is kept even when this build does not know it
    /// (a newer dispatcher's), then with status 500.
    public init(wireCode code: String, detail: String) {
        self.init(status: Self.status(ofWireCode: code), code: code, detail: detail)
    }

    /// A client call's failure: a refusal keeps its wire code; no answer (or a connection the
    /// dispatcher would not have) is `unavailable`, the caller's cue to retry.
    public init(clientError: ClientError) {
        switch clientError {
        case .refused(let code, let message): self.init(wireCode: code, detail: message)
        case .unreachable, .rejected, .socket:
            self = .unavailable("the dispatcher did not answer: \(clientError)")
        case .badReply(let text): self = .internal("unexpected reply from the dispatcher: \(text)")
        }
    }

    /// The HTTP status of each wire error code (decision 5 of issue 15; docs/openapi.yaml).
    public static func status(ofWireCode code: String) -> HTTPResponse.Status {
        switch WireError.Code(rawValue: code) {
        case .malformed, .unsupportedProtocol, .unknownCommand: .badRequest
        case .tooLarge: .contentTooLarge
        case .unknownKind, .unknownJob, .unknownBatch: .notFound
        case .batchMismatch, .batchSealed, .sealMismatch: .conflict
        case .counterOverflow, .tooManyCounters, .payloadInvalid: .unprocessableContent
        case .tooManyWaits: .tooManyRequests
        case .forbidden: .forbidden
        case .shuttingDown, .storage: .serviceUnavailable
        default: .internalServerError
        }
    }

    /// 400: a query parameter, header or body is not as docs/openapi.yaml says.
    public static func badRequest(_ detail: String) -> Self {
        Self(status: .badRequest, code: "bad_request", detail: detail)
    }

    /// 401: an allow directory is configured and the request has no valid token or listed certificate.
    public static func unauthenticated(_ detail: String) -> Self {
        Self(status: .unauthorized, code: "unauthenticated", detail: detail, headers: [.wwwAuthenticate: "Bearer"])
    }

    /// 429: the caller's request rate is over its share; `retryAfterSeconds` is when a token is back.
    public static func rateLimited(retryAfterSeconds: Int) -> Self {
        Self(
            status: .tooManyRequests, code: "rate_limited", detail: "too many requests from this identity; retry after \(retryAfterSeconds) s",
            headers: [.retryAfter: String(retryAfterSeconds)])
    }

    /// 429 with the wire's code: the long-polls open (in all, or this identity's) are at their cap.
    public static func tooManyWaits(_ detail: String) -> Self {
        Self(status: .tooManyRequests, code: WireError.Code.tooManyWaits.rawValue, detail: detail)
    }

    /// 413 with the wire's code: the body is over `--http-max-body`.
    public static func tooLarge(_ detail: String) -> Self {
        Self(status: .contentTooLarge, code: WireError.Code.tooLarge.rawValue, detail: detail)
    }

    /// 404: no route has this path.
    public static func notFound(_ path: String) -> Self {
        Self(status: .notFound, code: "not_found", detail: "no route \(path.prefix(200))")
    }

    /// 405: the path exists for other methods, listed in `Allow`.
    public static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [HTTPRequest.Method]) -> Self {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        return Self(
            status: .methodNotAllowed, code: "method_not_allowed", detail: "\(method.rawValue) is not served here; use \(allow)",
            headers: [.allow: allow])
    }

    /// 415: the body's content type is not one this route reads.
    public static func unsupportedMediaType(_ detail: String) -> Self {
        Self(status: .unsupportedMediaType, code: "unsupported_media_type", detail: detail)
    }

    /// 503: the dispatcher did not answer in time (down, restarting, or overloaded).
    public static func unavailable(_ detail: String) -> Self {
        Self(status: .serviceUnavailable, code: "unavailable", detail: detail)
    }

    /// 500: the dispatcher answered with something CTCP01 does not allow there (a fault of
    /// one side or the other, which the detail names).
    public static func `internal`(_ detail: String) -> Self {
        Self(status: .internalServerError, code: "internal", detail: detail)
    }

    /// The problem document's bytes.
    public var document: [UInt8] {
        let title = status.reasonPhrase.isEmpty ? code : status.reasonPhrase
        let text = #"{"type":"# + JSONText.quoted("urn:chungtay:problem:" + code) + #","title":"# + JSONText.quoted(title)
            + #","status":\#(status.code),"detail":"# + JSONText.quoted(detail) + #","code":"# + JSONText.quoted(code) + "}"
        return Array(text.utf8)
    }

    public func response() -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: document)))
    }

    public func response(from request: Request, context: some RequestContext) -> Response {
        response()
    }

    public var description: String { "\(status.code) \(code): \(detail)" }
}
