import Hummingbird
import HummingbirdCore
public import Logging
public import ServiceLifecycle
public import ZeroMQ

/// The operators' HTTP listener (`chungtay dispatcher --metrics HOST:PORT`): `/metrics`,
/// the status page `/`, its `/status.json` and the live log tail `/logs/stream`.
///
/// A lifecycle service beside the dispatcher's, sharing none of its state: it asks the
/// dispatcher's client endpoint like any client (`DispatcherView`) and reads the log bus
/// through `LogFeed`. Read-only: no route changes anything. The routes themselves are
/// ``OperatorPageRoutes``, which the HTTP API's listener also serves when it shares `--metrics`.
public struct OperatorPageService: Service {
    /// At most this many connections at once, log tails included; more wait to be accepted.
    static let maxConnections = 64

    /// What the listener needs of a dispatcher that is up.
    public struct ReadyDispatcher: Sendable {
        /// Its bound client endpoint.
        public var clientEndpoint: String
        /// With CURVE, the keys the page connects with (the dispatcher's own).
        public var curve: CurveClientKeys?
        /// Its log bus; without it `/logs/stream` answers 503.
        public var logFeed: (any LogFeed)?

        public init(clientEndpoint: String, curve: CurveClientKeys? = nil, logFeed: (any LogFeed)?) {
            self.clientEndpoint = clientEndpoint
            self.curve = curve
            self.logFeed = logFeed
        }
    }

    private let address: OperatorPageAddress
    private let dispatcher: @Sendable () async -> ReadyDispatcher?
    private let logger: Logger
    private let onListening: @Sendable (_ address: String) -> Void

    /// - Parameters:
    ///   - dispatcher: waits until the dispatcher is up, with its bound endpoints (nil: it never
    ///     came, the service group is stopping). The listener binds only then, so it never
    ///     answers for a dispatcher that is not there yet.
    ///   - onListening: called with `HOST:PORT` once bound (the port resolved when 0 was asked).
    public init(
        address: OperatorPageAddress, dispatcher: @escaping @Sendable () async -> ReadyDispatcher?, logger: Logger,
        onListening: @escaping @Sendable (_ address: String) -> Void = { _ in }
    ) {
        self.address = address
        self.dispatcher = dispatcher
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        guard let ready = await dispatcher() else { return }
        let router = Router()
        OperatorPageRoutes.register(on: router, dispatcher: ready, logger: logger)
        let onListening = self.onListening
        let application = Application(
            router: router,
            configuration: .init(
                address: .hostname(address.host, port: address.port),
                availableConnectionsDelegate: MaximumAvailableConnections(Self.maxConnections)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                onListening(OperatorPageAddress(host: address.host, port: port).description)
            },
            logger: logger)
        try await application.run()
    }
}
