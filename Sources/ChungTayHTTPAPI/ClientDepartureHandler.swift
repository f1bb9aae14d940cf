import NIOCore

/// Tells a long-poll that its client has gone, so the wait ends and its slot is freed then,
/// not at the end of the wait (``APIServices/longPoll(for:_:)``).
///
/// Hummingbird allows remote half-closure, so a client that closes its connection does not
/// close the channel: the channel only sees its input end (`ChannelEvent.inputClosed`), and
/// the request's task goes on. This handler, one per connection, passes everything through
/// and runs the current request's action when the input ends or the channel closes. One
/// request is answered at a time on an HTTP/1 connection, so one action is kept (a new one
/// replaces the last): a keep-alive connection's many long-polls leave nothing behind.
final class ClientDepartureHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any
    private var departed = false
    private var onDeparture: (() -> Void)?

    /// Runs `action` (on the channel's event loop) when the client's side has closed, at once
    /// if it has already. Call on the event loop.
    func whenClientDeparts(_ action: @escaping () -> Void) {
        guard !departed else { return action() }
        onDeparture = action
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent { depart() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        depart()
        context.fireChannelInactive()
    }

    private func depart() {
        departed = true
        onDeparture?()
        onDeparture = nil
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        onDeparture = nil
    }
}
