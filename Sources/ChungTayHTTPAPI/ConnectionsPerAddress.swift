import NIOCore
import Synchronization

/// The listener's open connections per remote address (``RemoteAddressKey``: an IPv6 one's
/// /64), at most `limit` each: a connection beyond is closed as soon as it is set up, so one
/// host cannot hold all of the listener's connections (``HTTPAPIService/maxConnections``)
/// and lock everyone else out. Idle ones are closed anyway after the idle timeout; this
/// bounds what a host can hold in the meantime.
///
/// The table holds only addresses with a connection open, so it is bounded by the listener's
/// connections.
final class ConnectionsPerAddress: Sendable {
    let limit: Int
    private let open = Mutex<[String: Int]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// A new handler for one connection's pipeline (Hummingbird asks for one per connection).
    func handler() -> Handler {
        Handler(counter: self)
    }

    /// Counts `key`'s new connection; false (not counted) when it has `limit` open already.
    func admit(_ key: String) -> Bool {
        open.withLock { open in
            let count = open[key, default: 0]
            guard count < limit else { return false }
            open[key] = count + 1
            return true
        }
    }

    func release(_ key: String) {
        open.withLock { open in
            let count = open[key, default: 1] - 1
            open[key] = count > 0 ? count : nil
        }
    }

    /// Counts its connection from when it is added to the pipeline until it is removed
    /// (the connection closed), or closes it when its address has too many open. It passes
    /// everything through unread.
    final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = Any
        private let counter: ConnectionsPerAddress
        /// Set while this connection is counted.
        private var key: String?

        fileprivate init(counter: ConnectionsPerAddress) {
            self.counter = counter
        }

        func handlerAdded(context: ChannelHandlerContext) {
            let key = RemoteAddressKey.of(context.channel.remoteAddress)
            guard counter.admit(key) else {
                // Closed on the next turn of the loop: the pipeline is still being set up.
                let channel = context.channel
                context.eventLoop.execute { channel.close(promise: nil) }
                return
            }
            self.key = key
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            if let key { counter.release(key) }
            key = nil
        }
    }
}
