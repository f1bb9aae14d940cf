public import ChungTayAccess
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
public import Logging
public import ServiceLifecycle
public import ZeroMQ

/// The HTTP listener that serves the API (docs/openapi.yaml): `chungtay dispatcher --http
/// HOST:PORT`, or the `--metrics` listener, whose operators' page routes then come in
/// through ``ReadyDispatcher/extraRoutes``.
///
/// A lifecycle service beside the dispatcher's that shares none of its state: it is a client
/// of the dispatcher's bound client endpoint (``DispatcherGateway``), so every request meets
/// the same checks, limits and journal as a CTCP01 client's.
public struct HTTPAPIService: Service {
    /// At most this many connections at once (long-polls included); more wait to be accepted.
    /// Neither a silent client nor one host can hold them all: a connection idle for
    /// ``HTTPAPIConfiguration/idleTimeout`` (no request, or a stalled TLS handshake, headers
    /// or body) is closed, a body must arrive within ``HTTPAPIConfiguration/bodyTimeout``,
    /// and one address holds at most ``HTTPAPIConfiguration/maxConnectionsPerAddress``.
    static let maxConnections = 512

    /// What the listener needs of a dispatcher that is up.
    public struct ReadyDispatcher: Sendable {
        public var clientEndpoint: String
        /// With CURVE, the dispatcher's own keys (admitted as `operators/dispatcher`).
        public var curve: CurveClientKeys?
        /// Routes served beside the API on the same listener (the operators' page when the
        /// API shares `--metrics`); registered after the API's gate, which passes them through.
        public var extraRoutes: @Sendable (Router<APIRequestContext>) -> Void

        public init(clientEndpoint: String, curve: CurveClientKeys?, extraRoutes: @escaping @Sendable (Router<APIRequestContext>) -> Void = { _ in }) {
            self.clientEndpoint = clientEndpoint
            self.curve = curve
            self.extraRoutes = extraRoutes
        }
    }

    /// The PEM files of the listener's TLS (`--http-tls-certificate`, `--http-tls-key`).
    public struct TLSFiles: Sendable {
        public var certificate: String
        public var key: String

        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }

    private let host: String
    private let port: Int
    private let tls: TLSChannelConfiguration?
    private let configuration: HTTPAPIConfiguration
    private let credentials: HTTPCredentials?
    private let dispatcher: @Sendable () async -> ReadyDispatcher?
    private let logger: Logger
    private let onListening: @Sendable (_ port: Int) -> Void

    /// - Parameters:
    ///   - tls: the server's TLS; nil: plain HTTP.
    ///   - requestClientCertificates: ask TLS clients for a certificate (the allow directory lists some).
    ///   - credentials: the allow directory's tokens and certificates; nil: no identity checks.
    ///   - dispatcher: waits until the dispatcher is up (nil: it never came); the listener binds only then.
    ///   - onListening: called with the bound port (the one the system chose when 0 was asked).
    /// - Throws: the TLS certificate or key cannot be read or used (before anything is bound).
    public init(
        host: String, port: Int, tls: TLSFiles?, requestClientCertificates: Bool, configuration: HTTPAPIConfiguration,
        credentials: HTTPCredentials?, dispatcher: @escaping @Sendable () async -> ReadyDispatcher?, logger: Logger,
        onListening: @escaping @Sendable (_ port: Int) -> Void = { _ in }
    ) throws(KeyFileError) {
        self.host = host
        self.port = port
        self.tls = try tls.map { files throws(KeyFileError) in
            try HTTPTLSConfiguration.channelConfiguration(
                certificatePath: files.certificate, keyPath: files.key, requestClientCertificates: requestClientCertificates)
        }
        self.configuration = configuration
        self.credentials = credentials
        self.dispatcher = dispatcher
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        guard let ready = await dispatcher() else { return }
        let gateway = try DispatcherGateway(
            endpoint: ready.clientEndpoint, curve: ready.curve, maxMessageBytes: configuration.maxMessageBytes, logger: logger)
        defer { gateway.stop() }
        if !(await gateway.answers(within: .seconds(10))) {
            logger.warning("the HTTP API's connection to the dispatcher has not answered yet; its requests get 503 until it does")
        }
        let routes = APIRouter(services: APIServices(gateway: gateway, configuration: configuration))
        Self.registerRoutes(on: routes)
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: UpgradeRequestMiddleware())
        router.add(middleware: APIGuardMiddleware(
            table: routes.table(), credentials: credentials,
            limiter: RateLimiter(rate: configuration.requestsPerSecond, capacity: configuration.maxRateEntries)))
        OpenAPIDocument.register(on: router)
        ready.extraRoutes(router)
        let connections = ConnectionsPerAddress(limit: configuration.maxConnectionsPerAddress)
        // The idle timer starts when the connection is set up, so it covers the TLS handshake too.
        let http1 = HTTPServerBuilder.http1(configuration: .init(
            additionalChannelHandlers: [connections.handler(), ClientDepartureHandler()], idleTimeout: TimeAmount(configuration.idleTimeout)))
        let server: HTTPServerBuilder = try tls.map { try .tls(http1, configuration: $0) } ?? http1
        let onListening = self.onListening
        let port = self.port
        let application = Application(
            router: router, server: server,
            configuration: .init(
                address: .hostname(host, port: port), availableConnectionsDelegate: MaximumAvailableConnections(Self.maxConnections)),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) },
            logger: logger)
        try await application.run()
    }

    /// Every `/v1/` route file, once each.
    static func registerRoutes(on router: APIRouter) {
        JobRoutes.register(on: router)
        BatchRoutes.register(on: router)
        HouseholdRoutes.register(on: router)
        OperatorRoutes.register(on: router)
    }
}
