public import ChungTayWire
public import Hummingbird
import NIOCore

/// What every route handler shares: the dispatcher's gateway, the limits, and the readers
/// that apply them (body size, long-poll slots).
public struct APIServices: Sendable {
    public let gateway: DispatcherGateway
    public let configuration: HTTPAPIConfiguration
    let longPolls: LongPollSlots

    public init(gateway: DispatcherGateway, configuration: HTTPAPIConfiguration) {
        self.gateway = gateway
        self.configuration = configuration
        longPolls = LongPollSlots(limit: configuration.maxLongPolls, perIdentity: configuration.maxLongPollsPerIdentity)
    }

    /// `request` on behalf of `caller`, its reply or the problem (an ERROR reply's code, or `unavailable`).
    public func call(_ request: ClientRequest, for caller: HTTPCaller) async throws(HTTPProblem) -> ClientReply {
        try await gateway.call(request, as: caller.principal)
    }

    /// The whole body, at most `limit`'s bytes (413 `too_large` beyond: a declared
    /// Content-Length over it is refused before anything is read), arriving within
    /// ``HTTPAPIConfiguration/bodyTimeout``: past it the connection is closed (the client is
    /// too slow to be answered usefully, and a trickled body must not hold a connection).
    public func body(of request: Request, context: APIRequestContext, limit: BodyLimit) async throws(HTTPProblem) -> ByteBuffer {
        let (bytes, source) = limit.bytes(in: configuration)
        let tooLarge = HTTPProblem.tooLarge("the body is over \(bytes) bytes (\(source))")
        if let declared = request.headers[.contentLength], let length = Int(declared), length > bytes { throw tooLarge }
        let channel = context.channel
        let closing = channel.eventLoop.scheduleTask(in: TimeAmount(configuration.bodyTimeout)) {
            channel.close(promise: nil)
        }
        defer { closing.cancel() }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: bytes)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        } catch {
            throw .badRequest("the body could not be read: \(error)")
        }
        // A closed connection ends the body early: what arrived is not the whole of it.
        guard channel.isActive else { throw .badRequest("the connection closed before the body arrived whole") }
        return body
    }

    /// Runs `body` as one of the caller's long-polls (429 `too_many_waits` when its share, or
    /// the listener's, is open already). When the client closes the connection, or it is
    /// closed (``ClientDepartureHandler``), `body`'s task is cancelled, so its slot is freed
    /// then rather than at the end of its wait (the waits, ``JobWait`` and ``BatchWait``, end
    /// at once with what they have when cancelled).
    public func longPoll<Value: Sendable>(
        for context: APIRequestContext, _ body: @escaping @Sendable () async throws(HTTPProblem) -> Value
    ) async throws(HTTPProblem) -> Value {
        let channel = context.channel
        return try await longPolls.withSlot(for: context.caller.limitKey) { () async throws(HTTPProblem) -> Value in
            let task = Task { () async -> Result<Value, HTTPProblem> in
                do throws(HTTPProblem) { return .success(try await body()) } catch { return .failure(error) }
            }
            channel.eventLoop.execute {
                do {
                    try channel.pipeline.syncOperations.handler(type: ClientDepartureHandler.self).whenClientDeparts { task.cancel() }
                } catch {
                    // The pipeline's handlers are gone: the channel has closed already.
                    task.cancel()
                }
            }
            return try await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }.get()
        }
    }
}
