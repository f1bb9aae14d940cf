public import Hummingbird
public import NIOCore

/// The HTTP API's request context: Hummingbird's, plus the connection (for the TLS client
/// certificate and the remote address) and the caller the identity middleware found.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    public let channel: any Channel
    /// Set by ``APIGuardMiddleware`` before any `/v1/` route runs; routes outside `/v1/`
    /// (the operators' page, `/openapi.yaml`) see an anonymous caller.
    public var caller: HTTPCaller
    /// The captures of the `/v1/` route's path (`{job}` → `pathParameters["job"]`), percent-decoded.
    public var pathParameters: [String: String] = [:]

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        caller = .anonymous(addressKey: RemoteAddressKey.of(source.channel.remoteAddress))
    }

    /// The remote host without the port; `unknown` when the channel has no address (a closed one).
    static func host(of channel: any Channel) -> String {
        channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
