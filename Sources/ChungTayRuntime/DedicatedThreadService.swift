import Foundation
public import ServiceLifecycle
import Synchronization

/// Runs a blocking loop on a thread of its own as a swift-service-lifecycle `Service`.
///
/// ZeroMQ sockets must stay on one thread and off Swift's cooperative pool, so the
/// dispatcher's and the worker's loops cannot be async code. Graceful shutdown (SIGTERM,
/// SIGINT) and task cancellation only raise a flag the loop checks every turn; the loop
/// then drains in its own time and `run()` returns when the thread does.
public struct DedicatedThreadService: Service {
    public let name: String
    /// The loop. It must return soon after `shouldStop()` first answers true.
    public let body: @Sendable (_ shouldStop: () -> Bool) throws -> Void

    public init(name: String, body: @escaping @Sendable (_ shouldStop: () -> Bool) throws -> Void) {
        self.name = name
        self.body = body
    }

    public func run() async throws {
        let stop = Atomic<Bool>(false)
        let body = body
        let name = name
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let thread = Thread {
                        do {
                            try body { stop.load(ordering: .relaxed) }
                            continuation.resume()
                        } catch {
                            continuation.resume(throwing: error)
                        }
                    }
                    thread.name = name
                    thread.start()
                }
            } onGracefulShutdown: {
                stop.store(true, ordering: .relaxed)
            }
        } onCancel: {
            stop.store(true, ordering: .relaxed)
        }
    }
}
