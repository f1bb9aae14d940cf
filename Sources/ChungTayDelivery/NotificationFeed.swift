public import ChungTayAccess
import ChungTayRuntime
public import ChungTayStore
public import Logging
public import ServiceLifecycle
public import ZeroMQ

/// The notification feed (`dispatcher --notify-feed E`) as a lifecycle service: a ZeroMQ
/// endpoint where subscribers receive every notification that was not suppressed, at least
/// once, and acknowledge each by id against a durable cursor per subscriber name (CTNP01,
/// docs/PROTOCOL.md "Notification feed protocol").
///
/// It runs on a thread of its own with a ZeroMQ context of its own (and, with CURVE, a ZAP
/// handler of its own answering from the dispatcher's `AccessControl`), so neither a slow
/// subscriber nor the feed's reads of the outbox and store touch the dispatcher's thread.
/// Graceful shutdown stops it within one poll (0.2 s); what subscribers had not
/// acknowledged is sent again when they say HELLO to the next process.
public struct NotificationFeed: Service {
    /// The dispatcher's CURVE setting: its key pair and who may connect. The feed admits
    /// `operators/` keys only (ZAP domain `chungtay.feed`).
    public struct Curve: Sendable {
        public var keyPair: CurveKeyPair
        public var access: AccessControl

        public init(keyPair: CurveKeyPair, access: AccessControl) {
            self.keyPair = keyPair
            self.access = access
        }
    }

    public let endpoint: String
    private let ledger: DeliveryLedger
    private let outbox: NotificationOutbox
    private let curve: Curve?
    private let logger: Logger
    private let onReady: @Sendable (_ boundEndpoint: String) -> Void

    /// `endpoint` as validated by the dispatcher's settings (loopback without CURVE unless
    /// `--insecure`); `onReady` runs on the feed's thread once it is bound, with the real
    /// endpoint (a `*` port resolved).
    public init(endpoint: String, ledger: DeliveryLedger, outbox: NotificationOutbox, curve: Curve?, logger: Logger,
                onReady: @escaping @Sendable (_ boundEndpoint: String) -> Void = { _ in }) {
        self.endpoint = endpoint
        self.ledger = ledger
        self.outbox = outbox
        self.curve = curve
        self.logger = logger
        self.onReady = onReady
    }

    public func run() async throws {
        let (endpoint, ledger, outbox, curve, logger, onReady) = (endpoint, ledger, outbox, curve, logger, onReady)
        try await DedicatedThreadService(name: "chungtay-notify-feed") { shouldStop in
            let context = try ZMQContext()
            defer { context.shutdown() }
            // Before the socket binds: while no handler answers, libzmq admits every CURVE client.
            let zapHandler = try curve.map { curve throws(ZMQError) in
                try ZAPHandler(context: context) { request in curve.access.authorize(request) }
            }
            defer { zapHandler?.stop() }
            let server = try FeedServer(context: context, endpoint: endpoint, ledger: ledger, outbox: outbox, curve: curve, logger: logger)
            onReady(server.boundEndpoint)
            try server.run(shouldStop: shouldStop, zapServing: { zapHandler?.isServing ?? true })
        }.run()
    }
}
