import CZeroMQ

/// Waits on several sockets at once with `zmq_poll`.
///
/// Holds its sockets, so it belongs to the same thread as they do.
public struct ZMQPoller {
    private var sockets: [ZMQSocket] = []
    private var items: [zmq_pollitem_t] = []

    public init() {}

    /// Returns the index of this socket in the array that ``poll(timeoutMilliseconds:)`` returns.
    @discardableResult
    public mutating func add(_ socket: ZMQSocket, events: PollEvents = .readable) -> Int {
        sockets.append(socket)
        items.append(zmq_pollitem_t(socket: socket.handle, fd: 0, events: events.rawValue, revents: 0))
        return items.count - 1
    }

    /// Waits up to `timeoutMilliseconds` (-1 forever) and returns, index-aligned
    /// with ``add(_:events:)``, which sockets are ready. A signal returns
    /// nothing ready instead of an error, so callers just poll again.
    @available(*, noasync)
    public mutating func poll(timeoutMilliseconds: Int) throws(ZMQError) -> [PollEvents] {
        // A socket closed after add() has a freed libzmq handle in `items`.
        guard sockets.allSatisfy({ $0.handle != nil }) else { throw .notASocket("poll") }
        guard zmq_poll(&items, Int32(items.count), timeoutMilliseconds) >= 0 else {
            let error = ZMQError.last("poll")
            if error.isInterrupted { return Array(repeating: [], count: items.count) }
            throw error
        }
        return items.map { PollEvents(rawValue: $0.revents) }
    }
}
