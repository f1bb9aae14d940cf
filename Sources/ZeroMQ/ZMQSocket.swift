import CZeroMQ

/// A libzmq socket.
///
/// Not `Sendable`: libzmq sockets are not thread-safe, so a socket belongs to
/// the one thread that uses it. Calls that can block are
/// `@available(*, noasync)` because parking a cooperative-pool thread in
/// libzmq would starve Swift concurrency; async code uses
/// ``trySend(_:)`` and ``tryReceive()``, or owns a dedicated thread.
public final class ZMQSocket {
    /// Linger applied at creation. libzmq's own default (wait forever) lets one
    /// unreachable peer hang context termination, and 0 drops messages queued
    /// just before close; a bounded second does neither.
    static let defaultLingerMilliseconds: Int32 = 1000

    public let type: SocketType

    /// `nil` once closed, so use after close is an ENOTSOCK error rather than
    /// a call on a freed libzmq socket.
    private(set) var handle: UnsafeMutableRawPointer?

    /// Keeps `zmq_ctx_term` from running, and blocking forever, while this socket is open.
    private var context: ZMQContext?

    /// Creates the socket with a linger of 1000 ms; change it with ``setLinger(milliseconds:)``.
    public init(context: ZMQContext, type: SocketType) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, type.zmqType) else {
            throw .last("ZMQSocket.init")
        }
        self.handle = handle
        self.context = context
        self.type = type
        try setLinger(milliseconds: Self.defaultLingerMilliseconds)
    }

    public func bind(_ endpoint: String) throws(ZMQError) {
        let handle = try openHandle("bind")
        guard zmq_bind(handle, endpoint) == 0 else { throw .last("bind") }
    }

    public func connect(_ endpoint: String) throws(ZMQError) {
        let handle = try openHandle("connect")
        guard zmq_connect(handle, endpoint) == 0 else { throw .last("connect") }
    }

    public func unbind(_ endpoint: String) throws(ZMQError) {
        let handle = try openHandle("unbind")
        guard zmq_unbind(handle, endpoint) == 0 else { throw .last("unbind") }
    }

    public func disconnect(_ endpoint: String) throws(ZMQError) {
        let handle = try openHandle("disconnect")
        guard zmq_disconnect(handle, endpoint) == 0 else { throw .last("disconnect") }
    }

    /// The endpoint of the last bind or connect, with wildcards resolved:
    /// binding `tcp://127.0.0.1:*` and reading this tells which port the OS picked.
    public var lastEndpoint: String {
        get throws(ZMQError) {
            let handle = try openHandle("lastEndpoint")
            var buffer = [CChar](repeating: 0, count: 1024)
            var size = buffer.count
            guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else {
                throw .last("lastEndpoint")
            }
            return String(nulTerminated: buffer)
        }
    }

    /// Idempotent. Messages still queued are sent for up to the linger period
    /// by libzmq's I/O thread, so this call normally returns at once; it waits
    /// out the linger only when it drops the last reference to the context,
    /// whose termination flushes every queue.
    public func close() {
        guard let handle else { return }
        self.handle = nil
        zmq_close(handle)
        context = nil
    }

    deinit {
        close()
    }

    func openHandle(_ operation: String) throws(ZMQError) -> UnsafeMutableRawPointer {
        guard let handle else { throw .notASocket(operation) }
        return handle
    }
}
