public import HTTPTypes
import Hummingbird

/// Where a route file registers its routes: `static func register(on router: APIRouter)`,
/// each with its path as docs/openapi.yaml writes it. The handler finds the path's captures
/// in `context.pathParameters`, the caller in `context.caller`, and the gateway, limits and
/// body reader in ``services``.
public final class APIRouter {
    public let services: APIServices
    private var routes: [APIRouteTable.Route] = []

    init(services: APIServices) {
        self.services = services
    }

    /// - Parameter path: `/v1/…`, segments literal or `{name}` with an optional literal suffix
    ///   (`{batch}:seal`).
    public func add(_ method: HTTPRequest.Method, _ path: String, handler: @escaping APIRouteTable.Handler) {
        routes.append(.init(method, path, handler: handler))
    }

    /// The routes registered so far, resolvable.
    func table() -> APIRouteTable {
        APIRouteTable(routes: routes)
    }
}
