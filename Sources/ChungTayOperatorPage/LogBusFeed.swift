import ChungTayClient
import ChungTayWire
import Foundation
import Synchronization
public import ZeroMQ

/// The page's log tail from the dispatcher's log bus: one `LogSubscription` per open tail,
/// read on a thread of its own (its calls block), each record handed on as its JSON.
public struct LogBusFeed: LogFeed {
    public let endpoint: String
    /// The dispatcher's own key pair with CURVE (admitted as `operators/dispatcher`).
    public let curve: CurveClientKeys?
    /// Records waiting for a slow page; past it the oldest are dropped (the page is a view).
    static let buffered = 1000

    public init(endpoint: String, curve: CurveClientKeys? = nil) {
        self.endpoint = endpoint
        self.curve = curve
    }

    public func records(matching query: LogTailQuery) -> AsyncThrowingStream<[UInt8], any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingNewest(Self.buffered))
        let request = LogSubscriptionRequest(
            filter: query.filter, tail: UInt32(query.tail), follow: true)
        let stopped = Atomic<Bool>(false)
        let thread = Thread { [endpoint, curve] in
            do {
                let subscription = try LogSubscription(endpoint: endpoint, request: request, curve: curve)
                defer { subscription.cancel() }
                while !stopped.load(ordering: .relaxed) {
                    if case .records(let records)? = try subscription.next(timeout: .milliseconds(250)) {
                        for record in records { continuation.yield(record.encode()) }
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in stopped.store(true, ordering: .relaxed) }
        thread.name = "chungtay-page-log-tail"
        thread.start()
        return stream
    }
}
