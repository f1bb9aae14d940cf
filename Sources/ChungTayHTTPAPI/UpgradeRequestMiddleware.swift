import Hummingbird

/// Answers a request that asks to upgrade the connection (`Upgrade: h2c` with `Connection:
/// Upgrade`, which Java's `HttpClient` sends on every plain-HTTP request by default) as any
/// other, in HTTP/1.1, adding `Connection: close`.
///
/// Why: after such a request NIO's HTTP/1 decoder stops reading the connection (it expects
/// the pipeline to be switched to the new protocol), so a next request on it would never be
/// answered and the client would wait for its own timeout. The listener speaks HTTP/1.1
/// only; with `close` the client stops using that connection once it has read the answer
/// (RFC 9112, section 9.6) and sends its next request on a new one — Java's client then also
/// stops offering the upgrade to this server. The server's side of the connection ends when
/// the client closes it.
struct UpgradeRequestMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.headers[.upgrade] != nil || request.method == .connect else { return try await next(request, context) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.connection] = "close"
        return response
    }
}
