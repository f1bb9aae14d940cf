import ChungTayOperatorPage
import ChungTayWire
import Foundation
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `/logs/stream` over a real socket: the page's query reaches the log feed as its filters,
/// records arrive as server-sent events, bad filters are refused.
@Suite struct LogStreamTests {
    /// Hands out two records for any query and remembers the queries.
    final class RecordingFeed: LogFeed, @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [LogTailQuery] = []
        var queries: [LogTailQuery] { lock.withLock { seen } }

        func records(matching query: LogTailQuery) -> AsyncThrowingStream<[UInt8], any Error> {
            lock.withLock { seen.append(query) }
            return AsyncThrowingStream { continuation in
                continuation.yield(Array(#"{"time":"2026-12-04T04:00:00.000Z","level":"warning","role":"worker","worker":"w1","host":"h","message":"lost <b>"}"#.utf8))
                continuation.yield(Array(#"{"time":"2026-12-04T04:00:01.000Z","level":"error","role":"dispatcher","host":"h","message":"two"}"#.utf8))
            }
        }
    }

    @Test func recordsArriveAsEventsWithTheFiltersAsked() async throws {
        let feed = RecordingFeed()
        let (addresses, listening) = AsyncStream.makeStream(of: String.self)
        let service = OperatorPageService(
            address: try OperatorPageAddress(parsing: "127.0.0.1:0", allowingRemote: false),
            // Nothing listens there: the log tail needs no dispatcher.
            dispatcher: { .init(clientEndpoint: "tcp://127.0.0.1:1", logFeed: feed) }, logger: Logger(label: "test")
        ) { listening.yield($0) }
        let running = Task { try await service.run() }
        defer { running.cancel() }
        let address = try #require(await addresses.first { _ in true })
        let port = try #require(address.split(separator: ":").last.flatMap { UInt16($0) })

        let stream = try await HTTPExchange.get(port: port, "/logs/stream?level=warning&worker=w1&grep=lost%20it&tail=5", until: "\"two\"")
        #expect(stream.lowercased().contains("content-type: text/event-stream"), "\(stream)")
        #expect(stream.contains(#"data: {"time":"2026-12-04T04:00:00.000Z","level":"warning","role":"worker","worker":"w1","host":"h","message":"lost <b>"}"#), "\(stream)")
        #expect(stream.contains(#"data: {"time":"2026-12-04T04:00:01.000Z","level":"error","role":"dispatcher","host":"h","message":"two"}"#))
        #expect(feed.queries == [LogTailQuery(filter: LogFilter(minimumLevel: .warning, worker: "w1", grep: "lost it"), tail: 5)])

        let refused = try await HTTPExchange.get(port: port, "/logs/stream?level=loud", until: "\r\n\r\n")
        #expect(refused.hasPrefix("HTTP/1.1 400"), "\(refused)")
        let page = try await HTTPExchange.get(port: port, "/", until: "</html>")
        #expect(page.hasPrefix("HTTP/1.1 200") && page.contains("text/html"), "\(page.prefix(300))")
    }
}

/// One GET over a plain TCP socket, read until `marker` appears or the server closes.
enum HTTPExchange {
    static func get(port: UInt16, _ path: String, until marker: String) async throws -> String {
        try await Task.detached {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw POSIXError(.EIO) }
            defer { close(descriptor) }
            var timeout = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
            let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
            guard send(descriptor, request, request.count, 0) == request.count else { throw POSIXError(.EIO) }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while !String(decoding: received, as: UTF8.self).contains(marker) {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                guard count > 0 else { break }
                received += buffer[..<count]
            }
            return String(decoding: received, as: UTF8.self)
        }.value
    }
}
