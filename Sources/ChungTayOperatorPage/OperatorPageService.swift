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
/// through `LogFeed`. Read-only: no route changes anything.
public struct OperatorPageService: Service {
    /// At most this many connections at once, log tails included; more wait to be accepted.
    static let maxConnections = 64
    /// At most this many live log tails; more are answered 503.
    static let maxLogStreams = 16

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
        let logFeed = ready.logFeed
        let metrics = MetricsFeed(logger: logger)
        let view = DispatcherView(endpoint: ready.clientEndpoint, curve: ready.curve) { metrics.update(with: MetricFigures($0)) }
        let router = Router()
        router.get("/") { _, _ in
            Self.response(.ok, "text/html; charset=utf-8", Array(StatusPageDocument.html.utf8))
        }
        router.get("/metrics") { _, _ in
            do {
                _ = try await view.snapshot()
            } catch {
                return Self.response(.serviceUnavailable, "text/plain; charset=utf-8", Array("\(error)\n".utf8))
            }
            return Self.response(.ok, "text/plain; version=0.0.4; charset=utf-8", metrics.text())
        }
        router.get("/status.json") { _, _ in
            do {
                let snapshot = try await view.snapshot()
                return Self.response(.ok, "application/json", StatusPageData.encode(snapshot, logTail: logFeed != nil))
            } catch {
                return Self.response(.serviceUnavailable, "application/json", StatusPageData.encode(error: "\(error)"))
            }
        }
        let logStreams = LogStreamSlots(limit: Self.maxLogStreams)
        router.get("/logs/stream") { request, _ in
            guard let logFeed else {
                return Self.response(.serviceUnavailable, "text/plain; charset=utf-8", Array("no log feed on this listener\n".utf8))
            }
            let query: LogTailQuery
            do throws(LogTailQueryError) {
                query = try LogTailQuery(parameters: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
            } catch {
                return Self.response(.badRequest, "text/plain; charset=utf-8", Array("\(error)\n".utf8))
            }
            guard let slot = logStreams.reserve() else {
                return Self.response(.serviceUnavailable, "text/plain; charset=utf-8", Array("too many log tails open\n".utf8))
            }
            let records = logFeed.records(matching: query)
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: ResponseBody { writer in
                    withExtendedLifetime(slot) {}
                    try await writer.write(ByteBuffer(string: ": tail\n\n"))
                    try await Self.stream(records, to: &writer)
                    try await writer.finish(nil)
                })
        }
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

    /// Each record as one event (its JSON holds no raw line break, so one `data:` line),
    /// and a comment line every `keepAliveInterval` while none comes: writing is how a page
    /// that went away is noticed, and then the subscription ends with this stream.
    private static func stream(
        _ records: AsyncThrowingStream<[UInt8], any Error>, to writer: inout any ResponseBodyWriter
    ) async throws {
        let (events, sink) = AsyncStream.makeStream(of: [UInt8]?.self, bufferingPolicy: .bufferingNewest(1000))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { sink.finish() }
                for try await record in records { sink.yield(record) }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: keepAliveInterval)
                    sink.yield(nil)
                }
            }
            defer { group.cancelAll() }
            for await event in events {
                guard let record = event else {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    continue
                }
                var buffer = ByteBuffer(string: "data: ")
                buffer.writeBytes(record)
                buffer.writeString("\n\n")
                try await writer.write(buffer)
            }
        }
    }

    static let keepAliveInterval: Duration = .seconds(15)

    private static func response(_ status: HTTPResponse.Status, _ contentType: String, _ body: [UInt8]) -> Response {
        Response(
            status: status, headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
