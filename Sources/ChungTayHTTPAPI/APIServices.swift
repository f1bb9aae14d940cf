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

    /// The whole body, at most `--http-max-body` bytes (413 `too_large` beyond: a declared
    /// Content-Length over it is refused before anything is read).
    public func body(of request: Request) async throws(HTTPProblem) -> ByteBuffer {
        let limit = configuration.maxBodyBytes
        let tooLarge = HTTPProblem.tooLarge("the body is over \(limit) bytes (--http-max-body)")
        if let declared = request.headers[.contentLength], let length = Int(declared), length > limit { throw tooLarge }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        } catch {
            throw .badRequest("the body could not be read: \(error)")
        }
    }

    /// Runs `body` as one of `caller`'s long-polls (429 `too_many_waits` when its share, or
    /// the listener's, is open already).
    public func longPoll<Value>(
        for caller: HTTPCaller, _ body: () async throws(HTTPProblem) -> Value
    ) async throws(HTTPProblem) -> Value {
        try await longPolls.withSlot(for: caller.limitKey, body)
    }
}
