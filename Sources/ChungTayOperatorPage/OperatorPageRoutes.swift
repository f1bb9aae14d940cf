public import Hummingbird
import HummingbirdCore
public import Logging

/// The operators' page routes: `/metrics`, the status page `/`, its `/status.json` and the
/// live log tail `/logs/stream`. Generic over the request context so the same routes serve
/// on the page's own listener (``OperatorPageService``) and on the HTTP API's when the API
/// shares `--metrics` (no identity is asked on either: they keep the page's rules).
public enum OperatorPageRoutes {
    /// At most this many live log tails; more are answered 503.
    static let maxLogStreams = 16

    /// Registers the routes; each call has its own view of the dispatcher and its own metrics.
    public static func register<Context: RequestContext>(
        on router: Router<Context>, dispatcher ready: OperatorPageService.ReadyDispatcher, logger: Logger
    ) {
        let logFeed = ready.logFeed
        let metrics = MetricsFeed(logger: logger)
        let view = DispatcherView(endpoint: ready.clientEndpoint, curve: ready.curve) { metrics.update(with: MetricFigures($0)) }
        router.get("/") { _, _ in
            response(.ok, "text/html; charset=utf-8", Array(StatusPageDocument.html.utf8))
        }
        router.get("/metrics") { _, _ in
            do {
                _ = try await view.snapshot()
            } catch {
                return response(.serviceUnavailable, "text/plain; charset=utf-8", Array("\(error)\n".utf8))
            }
            return response(.ok, "text/plain; version=0.0.4; charset=utf-8", metrics.text())
        }
        router.get("/status.json") { _, _ in
            do {
                let snapshot = try await view.snapshot()
                return response(.ok, "application/json", StatusPageData.encode(snapshot, logTail: logFeed != nil))
            } catch {
                return response(.serviceUnavailable, "application/json", StatusPageData.encode(error: "\(error)"))
            }
        }
        let logStreams = LogStreamSlots(limit: maxLogStreams)
        router.get("/logs/stream") { request, _ in
            guard let logFeed else {
                return response(.serviceUnavailable, "text/plain; charset=utf-8", Array("no log feed on this listener\n".utf8))
            }
            let query: LogTailQuery
            do throws(LogTailQueryError) {
                query = try LogTailQuery(parameters: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
            } catch {
                return response(.badRequest, "text/plain; charset=utf-8", Array("\(error)\n".utf8))
            }
            guard let slot = logStreams.reserve() else {
                return response(.serviceUnavailable, "text/plain; charset=utf-8", Array("too many log tails open\n".utf8))
            }
            let records = logFeed.records(matching: query)
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: ResponseBody { writer in
                    withExtendedLifetime(slot) {}
                    try await writer.write(ByteBuffer(string: ": tail\n\n"))
                    try await stream(records, to: &writer)
                    try await writer.finish(nil)
                })
        }
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
