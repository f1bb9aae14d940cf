import ZeroMQ

/// One DEALER of ``DispatcherGateway``'s pool and the requests sent on it and not yet
/// answered, oldest first (at most ``window``).
///
/// The window comes from the dispatcher: its client ROUTER queues at most 16 replies per
/// client connection (`Dispatcher.clientSendHighWaterMark`) and drops the rest, and it
/// answers a whole turn's requests at once. libzmq's writer learns that replies were taken
/// off its queue only in steps of half the mark ((16 + 1) / 2 = 8 messages), so up to 7
/// replies already sent may still count against the mark and a burst can find room for only
/// 9. Hence 8 (as the reference client, `DispatcherClient.submit`, keeps by default): with more in
/// flight on one connection, replies are lost and their callers get 503 although their
/// jobs were made.
///
/// Requests are sent in the order they were handed over, so the first in flight has the
/// nearest deadline. Lives on the gateway's thread only, like its socket.
final class GatewayConnection {
    static let window = 8

    let socket: ZMQSocket
    private(set) var inFlight: [GatewayRequest] = []

    /// Connects in the background (libzmq); `ZMQ_IMMEDIATE`, so a send fails at once while
    /// the connection is not made instead of being queued in libzmq, where a SUBMIT whose
    /// caller was already told 503 would reach the dispatcher on reconnection and make a job.
    init(context: ZMQContext, endpoint: String, curve: CurveClientKeys?) throws(ZMQError) {
        socket = try ZMQSocket(context: context, type: .dealer)
        try socket.setLinger(milliseconds: 0)
        try socket.setImmediate(true)
        try socket.setSendHighWaterMark(0)
        try socket.setReceiveHighWaterMark(0)
        try socket.setCurveClient(curve)
        try socket.connect(endpoint)
    }

    var hasRoom: Bool { inFlight.count < Self.window }

    var oldestDeadline: ContinuousClock.Instant? { inFlight.first?.deadline }

    /// Sends `request` and keeps it until its reply; false (nothing kept) when the
    /// connection is not made.
    func send(_ request: GatewayRequest) throws(ZMQError) -> Bool {
        guard try socket.send(request.frames, dontWait: true) else { return false }
        inFlight.append(request)
        return true
    }

    /// The request this reply answers; nil when none on this connection has its id.
    func take(_ requestId: UInt64) -> GatewayRequest? {
        guard let index = inFlight.firstIndex(where: { $0.requestId == requestId }) else { return nil }
        return inFlight.remove(at: index)
    }

    /// Closes the socket (the dispatcher forgets the connection, and any reply still
    /// coming on it); returns the requests still in flight for their callers to be answered.
    func close() -> [GatewayRequest] {
        socket.close()
        defer { inFlight.removeAll() }
        return inFlight
    }
}
