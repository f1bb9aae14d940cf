import Hummingbird
import Logging

/// The gate of every `/v1/` request, in this order: who the caller is (bearer token or
/// client certificate, with an allow directory), whether its rate allows the request (per
/// principal, or per remote address when it has none), which route takes it (404/405 as
/// problems), then the route. Other paths (the operators' page, `/openapi.yaml`) pass to the
/// listener's router untouched; a path nothing serves there is a `not_found` problem too.
///
/// The rate is counted before a failed identity is refused, by remote address, so guessing
/// tokens costs the same budget as any other request.
struct APIGuardMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let table: APIRouteTable
    /// Nil without an allow directory: every caller is anonymous.
    let credentials: HTTPCredentials?
    let limiter: RateLimiter

    func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/v1/") else {
            do {
                return try await next(request, context)
            } catch let error as HTTPError where error.status == .notFound {
                return HTTPProblem.notFound(path).response()
            }
        }
        var context = context
        var refusal: HTTPProblem?
        if let credentials {
            let certificate = await HTTPCredentials.peerCertificate(of: context.channel)
            switch credentials.identify(authorization: request.headers[.authorization], peerCertificate: certificate) {
            case .principal(let principal):
                context.caller = HTTPCaller(principal: principal.description, isOperator: principal.isOperator, limitKey: principal.description)
            case .missing:
                refusal = .unauthenticated("send Authorization: Bearer TOKEN (a token listed in the allow directory) or a listed client certificate")
            case .invalid(let reason):
                refusal = .unauthenticated(reason)
            }
        }
        if let retryAfter = limiter.admit(context.caller.limitKey) { return HTTPProblem.rateLimited(retryAfterSeconds: retryAfter).response() }
        if let refusal { return refusal.response() }
        switch table.resolve(request.method, path: path[...]) {
        case .route(let handler, let parameters):
            context.pathParameters = parameters
            do {
                return try await handler(request, context)
            } catch let problem as HTTPProblem {
                return problem.response()
            }
        case .methodNotAllowed(let allowed):
            return HTTPProblem.methodNotAllowed(request.method, allowed: allowed).response()
        case .notFound:
            return HTTPProblem.notFound(path).response()
        }
    }
}
